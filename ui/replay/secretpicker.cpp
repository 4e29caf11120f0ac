// SPDX-License-Identifier: GPL-3.0-or-later
#include "secretpicker.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace mm {

SecretPicker::SecretPicker(QWidget *parent)
    : QWidget(parent)
    , m_choice(new QComboBox(this))
    , m_typed(new QLineEdit(this))
{
    m_choice->setObjectName(QStringLiteral("secretChoice"));
    m_typed->setObjectName(QStringLiteral("typedSecret"));
    m_typed->setEchoMode(QLineEdit::Password);
    m_typed->setClearButtonEnabled(true);
    m_typed->setPlaceholderText(tr("The receiving service's secret (whsec_…), used for this window only"));
    m_typed->setToolTip(tr("Kept in memory while this window is open: never saved, never logged."));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_choice);
    layout->addWidget(m_typed, 1);
    setFocusProxy(m_choice);
    connect(m_choice, &QComboBox::currentIndexChanged, this, [this] {
        updateTyped();
        Q_EMIT changed();
    });
    connect(m_typed, &QLineEdit::textChanged, this, &SecretPicker::changed);
    setSecrets({});
}

void SecretPicker::setSecrets(const QList<SigningSecret> &secrets)
{
    // "Another secret" stays chosen if it was chosen over configured ones, not merely the only choice.
    const bool typed = usesTypedSecret() && !m_secrets.isEmpty();
    m_secrets = secrets;
    const QSignalBlocker block(m_choice);
    m_choice->clear();
    for (const SigningSecret &s : secrets)
        m_choice->addItem(tr("Signing secret %1").arg(s.hint()));
    m_choice->addItem(tr("Another secret:"));
    m_choice->setCurrentIndex(typed || secrets.isEmpty() ? m_choice->count() - 1 : 0);
    updateTyped();
}

void SecretPicker::choose(int index)
{
    m_choice->setCurrentIndex(index < 0 || index >= m_secrets.size() ? m_choice->count() - 1 : index);
}

void SecretPicker::setTypedText(const QString &text)
{
    m_typed->setText(text);
}

bool SecretPicker::usesTypedSecret() const
{
    return m_choice->currentIndex() < 0 || m_choice->currentIndex() >= m_secrets.size();
}

QWidget *SecretPicker::problemField() const
{
    return usesTypedSecret() ? static_cast<QWidget *>(m_typed) : m_choice;
}

void SecretPicker::updateTyped()
{
    m_typed->setVisible(usesTypedSecret());
    if (usesTypedSecret() && m_choice->hasFocus())
        m_typed->setFocus();
}

std::optional<SigningSecret> SecretPicker::secret(QString *error) const
{
    if (!usesTypedSecret())
        return m_secrets.at(m_choice->currentIndex());
    const QString text = m_typed->text().trimmed();
    if (text.isEmpty()) {
        if (error)
            *error = tr("Type the secret to sign with (whsec_…), or choose a configured one.");
        return std::nullopt;
    }
    QString why;
    auto parsed = SigningSecret::parse(text, &why);
    if (!parsed && error)
        *error = tr("The secret typed in cannot be used: %1").arg(why);
    return parsed;
}

} // namespace mm
