// SPDX-License-Identifier: GPL-3.0-or-later
// The settings dialog's Forwarding page: live forwarding on or off, where to, and whether
// forwarded deliveries keep their own id (signed afresh with the endpoint secret that verified
// them) or are signed afresh with another secret.
#include "settings/secretstore.h"
#include "settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QVBoxLayout>

namespace mm {

QWidget *SettingsDialog::forwardingPage()
{
    auto *page = new QWidget(m_tabs);
    auto *form = new QFormLayout(page);
    auto note = [page](const QString &text) {
        auto *label = new QLabel(text, page);
        label->setWordWrap(true);
        label->setForegroundRole(QPalette::PlaceholderText);
        return label;
    };
    m_forwardEnabled = new QCheckBox(tr("Forward &every new delivery, once it is stored"), page);
    m_forwardEnabled->setObjectName(QStringLiteral("forwardEnabled"));
    m_forwardTarget = new QLineEdit(page);
    m_forwardTarget->setObjectName(QStringLiteral("forwardTarget"));
    m_forwardTarget->setPlaceholderText(QStringLiteral("http://127.0.0.1:3000/webhooks"));
    m_forwardTarget->setClearButtonEnabled(true);

    m_forwardOriginal = new QRadioButton(
        tr("Keep the &original svix-id, signed afresh with the endpoint secret that verified it"), page);
    m_forwardOriginal->setObjectName(QStringLiteral("forwardOriginal"));
    m_forwardResign = new QRadioButton(tr("Si&gn afresh with:"), page);
    m_forwardResign->setObjectName(QStringLiteral("forwardResign"));
    m_forwardSecretChoice = new QComboBox(page);
    m_forwardSecretChoice->setObjectName(QStringLiteral("forwardSecretChoice"));
    m_forwardSecretInput = new QLineEdit(page);
    m_forwardSecretInput->setObjectName(QStringLiteral("forwardSecretInput"));
    m_forwardSecretInput->setEchoMode(QLineEdit::Password);
    m_forwardSecretInput->setPlaceholderText(QStringLiteral("whsec_…"));
    m_forwardSecretInput->setToolTip(tr("The receiving service's signing secret"));
    auto *resignRow = new QHBoxLayout;
    resignRow->addWidget(m_forwardResign);
    resignRow->addWidget(m_forwardSecretChoice);
    resignRow->addWidget(m_forwardSecretInput, 1);
    auto *headers = new QVBoxLayout;
    headers->addWidget(m_forwardOriginal);
    headers->addLayout(resignRow);
    headers->addWidget(note(
        tr("A Svix verifier refuses a signature more than 5 minutes old, so each try is signed with the "
           "current time, like Svix's own retries. A delivery whose endpoint secret has since been removed "
           "is not forwarded (the Forwarding tab says so). A secret typed here is kept with the signing "
           "secrets, in a private file, never in the settings file.")));

    form->addRow(m_forwardEnabled);
    form->addRow(tr("&To:"), m_forwardTarget);
    form->addRow(tr("Headers:"), headers);
    form->addRow(
        note(tr("The sender's acknowledgement never waits for forwarding. Failed forwards are retried "
                "(1 s, doubling to 5 minutes, 30 tries); the queue is in the store and survives a "
                "restart. --forward-to and --forward-secret on the command line override this for "
                "one run. The Forwarding tab shows every forward.")));

    connect(m_forwardEnabled, &QCheckBox::toggled, this, &SettingsDialog::updateForwardControls);
    connect(m_forwardResign, &QRadioButton::toggled, this, &SettingsDialog::updateForwardControls);
    connect(m_forwardSecretChoice, &QComboBox::currentIndexChanged, this,
            &SettingsDialog::updateForwardControls);
    m_forwardOriginal->setChecked(true);
    refreshForwardSecrets();
    updateForwardControls();
    return page;
}

void SettingsDialog::setForwardValues(const SettingsValues &values)
{
    m_forwardEnabled->setChecked(values.forwardEnabled);
    m_forwardTarget->setText(values.forwardTarget);
    (values.forwardResign ? m_forwardResign : m_forwardOriginal)->setChecked(true);
    refreshForwardSecrets();
    // One of the signing secrets is chosen as such; any other is shown (masked) as typed.
    int choice = int(m_forwardChoices.size());
    for (int i = 0; i < m_forwardChoices.size(); ++i) {
        if (!values.forwardSecret.isEmpty()
            && SecretStore::sameSecret(m_forwardChoices.at(i), values.forwardSecret))
            choice = i;
    }
    m_forwardSecretChoice->setCurrentIndex(choice);
    m_forwardSecretInput->setText(choice < m_forwardChoices.size() ? QString() : values.forwardSecret);
    updateForwardControls();
}

void SettingsDialog::collectForward(SettingsValues &v) const
{
    v.forwardEnabled = m_forwardEnabled->isChecked();
    v.forwardTarget = m_forwardTarget->text().trimmed();
    v.forwardResign = m_forwardResign->isChecked();
    v.forwardSecret.clear();
    if (v.forwardResign) {
        const int choice = m_forwardSecretChoice->currentIndex();
        v.forwardSecret = choice >= 0 && choice < m_forwardChoices.size()
            ? m_forwardChoices.at(choice)
            : m_forwardSecretInput->text().trimmed();
    }
}

QWidget *SettingsDialog::forwardField(SettingsValues::Field field) const
{
    if (field == SettingsValues::Field::ForwardTarget)
        return m_forwardTarget;
    if (m_forwardSecretChoice->currentIndex() < m_forwardChoices.size())
        return m_forwardSecretChoice;
    return m_forwardSecretInput;
}

void SettingsDialog::refreshForwardSecrets()
{
    const int index = m_forwardSecretChoice->currentIndex();
    const QString chosen
        = index >= 0 && index < m_forwardChoices.size() ? m_forwardChoices.at(index) : QString();
    const bool wasAnother = index >= m_forwardChoices.size();
    m_forwardChoices = m_secrets;
    const QSignalBlocker block(m_forwardSecretChoice);
    m_forwardSecretChoice->clear();
    int select = -1;
    for (int i = 0; i < m_secrets.size(); ++i) {
        const auto secret = SigningSecret::parse(m_secrets.at(i));
        m_forwardSecretChoice->addItem(secret ? tr("Signing secret %1").arg(secret->hint())
                                              : tr("Unreadable secret"));
        if (!chosen.isEmpty() && SecretStore::sameSecret(m_secrets.at(i), chosen))
            select = i;
    }
    m_forwardSecretChoice->addItem(tr("Another secret:"));
    if (select < 0)
        select = wasAnother || m_secrets.isEmpty() ? int(m_secrets.size()) : 0;
    m_forwardSecretChoice->setCurrentIndex(select);
    updateForwardControls();
}

void SettingsDialog::updateForwardControls()
{
    if (!m_forwardSecretInput)
        return;
    const bool on = m_forwardEnabled->isChecked();
    m_forwardTarget->setEnabled(on);
    m_forwardOriginal->setEnabled(on);
    m_forwardResign->setEnabled(on);
    const bool resign = on && m_forwardResign->isChecked();
    m_forwardSecretChoice->setEnabled(resign);
    m_forwardSecretInput->setEnabled(resign);
    m_forwardSecretInput->setVisible(m_forwardSecretChoice->currentIndex() >= m_forwardChoices.size());
}

} // namespace mm
