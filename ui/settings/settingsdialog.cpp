// SPDX-License-Identifier: GPL-3.0-or-later
#include "settingsdialog.h"

#include "settings/alertspage.h"
#include "settings/secretstore.h"
#include "settings/settingspecs.h"
#include "store/database.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace mm {

namespace {
// A field with a "Browse…" button after it.
QWidget *withButton(QWidget *field, QPushButton *button, QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(button);
    return row;
}

QLabel *hint(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

// A spin box over the declared setting's range.
QSpinBox *spinBox(const char *setting, const QString &suffix, QWidget *parent)
{
    const SettingSpec &spec = settingSpec(QLatin1String(setting));
    auto *box = new QSpinBox(parent);
    box->setRange(spec.low, spec.high);
    box->setSuffix(suffix);
    box->setAccelerated(true);
    return box;
}
} // namespace

SettingsDialog::SettingsDialog(const SettingsValues &values, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(receiverPage(), tr("&Receiver"));
    m_tabs->addTab(secretsPage(), tr("Signing &secrets"));
    m_tabs->addTab(monitoringPage(), tr("&Monitoring"));
    m_alerts = new AlertsPage(m_tabs);
    m_tabs->addTab(m_alerts, tr("&Alerts"));
    m_tabs->addTab(forwardingPage(), tr("&Forwarding"));

    m_note = hint(QString(), this);
    m_note->hide();

    m_errorRow = new QWidget(this);
    auto *errorLayout = new QHBoxLayout(m_errorRow);
    errorLayout->setContentsMargins(0, 0, 0, 0);
    auto *icon = new QLabel(m_errorRow);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize));
    icon->setAlignment(Qt::AlignTop);
    m_error = new QLabel(m_errorRow);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    errorLayout->addWidget(icon);
    errorLayout->addWidget(m_error, 1);
    m_errorRow->hide();

    m_buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Ok), &QPushButton::clicked, this, [this] {
        if (apply())
            accept();
    });
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_note);
    layout->addWidget(m_errorRow);
    layout->addWidget(m_buttons);
    setValues(values);
}

QWidget *SettingsDialog::receiverPage()
{
    auto *page = new QWidget(m_tabs);
    auto *form = new QFormLayout(page);
    m_address = new QLineEdit(page);
    m_address->setObjectName(QStringLiteral("address"));
    m_address->setPlaceholderText(settingSpec(QLatin1String("listenAddress")).fallback.toString());
    m_port = new QLineEdit(page);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setMaxLength(5);
    m_port->setMaximumWidth(m_port->fontMetrics().horizontalAdvance(QStringLiteral("0000000")) * 2);
    m_path = new QLineEdit(page);
    m_path->setObjectName(QStringLiteral("path"));
    m_path->setPlaceholderText(settingSpec(QLatin1String("path")).fallback.toString());
    m_tolerance = spinBox("toleranceSeconds", tr(" s"), page);
    m_tolerance->setObjectName(QStringLiteral("tolerance"));
    m_tlsCert = new QLineEdit(page);
    m_tlsCert->setObjectName(QStringLiteral("tlsCert"));
    m_tlsCert->setClearButtonEnabled(true);
    m_tlsCert->setPlaceholderText(tr("None: plain HTTP"));
    m_tlsKey = new QLineEdit(page);
    m_tlsKey->setObjectName(QStringLiteral("tlsKey"));
    m_tlsKey->setClearButtonEnabled(true);
    auto *certButton = new QPushButton(tr("Browse…"), page);
    auto *keyButton = new QPushButton(tr("Browse…"), page);
    connect(certButton, &QPushButton::clicked, this,
            [this] { browseFile(m_tlsCert, tr("Choose the PEM certificate")); });
    connect(keyButton, &QPushButton::clicked, this,
            [this] { browseFile(m_tlsKey, tr("Choose the PEM private key")); });

    form->addRow(tr("&Listen address:"), m_address);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("Webhook pa&th:"), m_path);
    form->addRow(hint(tr("Use 127.0.0.1 with a tunnel (svix listen, cloudflared); 0.0.0.0 listens on every "
                         "network interface."),
                      page));
    form->addRow(tr("Timestamp t&olerance:"), m_tolerance);
    form->addRow(tr("TLS &certificate:"), withButton(m_tlsCert, certButton, page));
    form->addRow(tr("TLS private ke&y:"), withButton(m_tlsKey, keyButton, page));
    form->addRow(hint(tr("Only needed when senders reach this computer directly over HTTPS."), page));
    return page;
}

QWidget *SettingsDialog::secretsPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(hint(tr("The endpoint's signing secret is in the Anon dashboard under Webhooks → your "
                              "endpoint → Signing secret. Keep the old one here while rotating."),
                           page));
    m_secretList = new QListWidget(page);
    m_secretList->setObjectName(QStringLiteral("secretList"));
    m_noSecrets = hint(tr("No secret saved: every delivery will be refused until you add one."), page);
    m_secretsWarning = new QLabel(page);
    m_secretsWarning->setObjectName(QStringLiteral("secretsWarning"));
    m_secretsWarning->setWordWrap(true);
    m_secretsWarning->setTextFormat(Qt::PlainText);
    // Both colours set, so it reads the same on light and dark palettes.
    m_secretsWarning->setStyleSheet(QStringLiteral("background:#fff3cd; color:#664d03; padding:4px;"));
    m_secretsWarning->hide();
    m_removeSecret = new QPushButton(tr("R&emove"), page);
    m_removeSecret->setObjectName(QStringLiteral("removeSecret"));
    connect(m_removeSecret, &QPushButton::clicked, this, &SettingsDialog::removeSecret);
    connect(m_secretList, &QListWidget::currentRowChanged, this,
            [this](int row) { m_removeSecret->setEnabled(row >= 0); });

    m_secretInput = new QLineEdit(page);
    m_secretInput->setObjectName(QStringLiteral("secretInput"));
    m_secretInput->setEchoMode(QLineEdit::Password);
    m_secretInput->setPlaceholderText(tr("Paste a secret (whsec_…)"));
    m_secretInput->installEventFilter(this); // Enter adds the secret instead of closing the dialog
    auto *add = new QPushButton(tr("A&dd"), page);
    add->setObjectName(QStringLiteral("addSecret"));
    add->setAutoDefault(false);
    connect(add, &QPushButton::clicked, this, &SettingsDialog::addSecret);

    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_secretInput, 1);
    addRow->addWidget(add);
    addRow->addWidget(m_removeSecret);
    layout->addWidget(m_secretsWarning);
    layout->addWidget(m_secretList, 1);
    layout->addWidget(m_noSecrets);
    layout->addLayout(addRow);
    return page;
}

QWidget *SettingsDialog::monitoringPage()
{
    auto *page = new QWidget(m_tabs);
    auto *form = new QFormLayout(page);
    m_quietWorking = spinBox("quietWorkingMinutes", tr(" min"), page);
    m_quietWorking->setObjectName(QStringLiteral("quietWorking"));
    m_quietNotStarted = spinBox("quietNotStartedMinutes", tr(" min"), page);
    m_quietNotStarted->setObjectName(QStringLiteral("quietNotStarted"));
    m_storeFolder = new QLineEdit(page);
    m_storeFolder->setObjectName(QStringLiteral("storeFolder"));
    m_storeFolder->setClearButtonEnabled(true);
    m_storeFolder->setPlaceholderText(tr("Default: %1").arg(Database::defaultDataDir()));
    auto *browse = new QPushButton(tr("Browse…"), page);
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseFolder);
    m_storeUrl = new QLineEdit(page);
    m_storeUrl->setObjectName(QStringLiteral("storeUrl"));
    m_storeUrl->setClearButtonEnabled(true);
    m_storeUrl->setPlaceholderText(tr("None: the embedded store in the data folder"));
    m_storeUrl->setToolTip(
        tr("A PostgreSQL database, as postgresql://user@host:port/dbname?sslmode=require"));

    form->addRow(
        hint(tr("A migration counts as quiet when nothing is heard from it for this long. Anon sends no "
                "progress events, so a healthy migration is quiet between its start and its outcome, and "
                "one waiting for the customer's login is quiet until it starts. Quiet migrations are "
                "flagged on the board; they alert only when that rule is on (Alerts)."),
             page));
    form->addRow(tr("Quiet when &working, no event for:"), m_quietWorking);
    form->addRow(tr("Quiet when &not started, no event for:"), m_quietNotStarted);
    form->addRow(tr("&Data folder:"), withButton(m_storeFolder, browse, page));
    form->addRow(tr("St&ore URL:"), m_storeUrl);
    form->addRow(
        hint(tr("A new data folder or store URL is used from the next start; the current store is left as it "
                "is. A PostgreSQL store is named as postgresql://user@host:port/dbname?sslmode=require; its "
                "password is read from PGPASSWORD, ~/.pgpass or the keyring (migration-monitor "
                "--store-password-stdin saves it there), never saved here."),
             page));
    auto *storage = new QGroupBox(tr("Storage"), page);
    auto *storageForm = new QFormLayout(storage);
    m_retentionDays = spinBox("retentionDays", tr(" days"), storage);
    m_retentionDays->setObjectName(QStringLiteral("retentionDays"));
    m_retentionDays->setSpecialValueText(tr("Forever"));
    m_retentionMaxMb = spinBox("retentionMaxMb", tr(" MiB"), storage);
    m_retentionMaxMb->setObjectName(QStringLiteral("retentionMaxMb"));
    m_retentionMaxMb->setSpecialValueText(tr("No limit"));
    storageForm->addRow(tr("&Keep deliveries for:"), m_retentionDays);
    storageForm->addRow(tr("Keep the store &under:"), m_retentionMaxMb);
    storageForm->addRow(hint(tr("Older deliveries are deleted, oldest first, a minute at a time. Deliveries "
                                "younger than the days above are never deleted to meet the size; 0 means "
                                "unlimited."),
                             storage));
    m_memoryCap = spinBox("memoryCap", tr(" deliveries"), storage);
    m_memoryCap->setObjectName(QStringLiteral("memoryCap"));
    m_memoryCap->setSpecialValueText(tr("All"));
    m_memoryCap->setSingleStep(100000);
    m_memoryCap->setGroupSeparatorShown(true);
    storageForm->addRow(tr("Keep in &memory at most:"), m_memoryCap);
    storageForm->addRow(
        hint(tr("Past this, the migrations least recently heard from leave memory: they stay on "
                "the board as they were, and their events are read back from the store when "
                "shown. The event log's \"Load older\" brings back the rest. A delivery in memory "
                "takes about 300 bytes; 0 keeps every delivery in memory."),
             storage));
    m_durability = new QComboBox(storage);
    m_durability->setObjectName(QStringLiteral("durability"));
    m_durability->addItem(tr("Once on disk: survives a power cut (recommended)"), QStringLiteral("power"));
    m_durability->addItem(tr("Once committed: survives a crash of the app, not of the machine"),
                          QStringLiteral("process"));
    storageForm->addRow(tr("&Acknowledge a delivery:"), m_durability);
    storageForm->addRow(
        hint(tr("Svix never resends a delivery that was answered 2xx, so one acknowledged before "
                "it reached the disk is lost for good if the power fails. Used from the next "
                "start."),
             storage));
    form->addRow(storage);
    m_closeToTray = new QCheckBox(tr("&Keep running in the system tray when the window is closed"), page);
    m_closeToTray->setObjectName(QStringLiteral("closeToTray"));
    m_closeToTray->setToolTip(tr("Only where the desktop has a system tray. Quit from the File menu or the "
                                 "tray icon's menu."));
    form->addRow(m_closeToTray);
    m_startAtLogin = new QCheckBox(tr("Start at lo&gin, minimised to the tray"), page);
    m_startAtLogin->setObjectName(QStringLiteral("startAtLogin"));
    form->addRow(m_startAtLogin);
    form->addRow(
        hint(tr("Adds Migration Monitor to your desktop's startup programs, so webhooks are received "
                "from the moment you log in. The window stays in the tray until you open it."),
             page));
    return page;
}

void SettingsDialog::setValues(const SettingsValues &values)
{
    m_values = values;
    m_address->setText(values.listenAddress);
    m_port->setText(QString::number(values.port));
    m_path->setText(values.path);
    m_tolerance->setValue(values.toleranceSeconds);
    m_tlsCert->setText(values.tlsCert);
    m_tlsKey->setText(values.tlsKey);
    m_secrets = values.secrets;
    refreshSecrets();
    m_quietWorking->setValue(values.quietWorkingMinutes);
    m_quietNotStarted->setValue(values.quietNotStartedMinutes);
    m_storeFolder->setText(values.storeFolder);
    m_storeUrl->setText(values.storeUrl);
    m_retentionDays->setValue(values.retentionDays);
    m_retentionMaxMb->setValue(values.retentionMaxMb);
    m_memoryCap->setValue(values.memoryCap);
    m_durability->setCurrentIndex(qMax(0, m_durability->findData(values.durability)));
    m_closeToTray->setChecked(values.closeToTray);
    m_startAtLogin->setChecked(values.startAtLogin);
    m_alerts->setSettings(values.alerts);
    setForwardValues(values);
    showError(QString());
}

void SettingsDialog::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void SettingsDialog::setSecretsWarning(const QString &text)
{
    m_secretsWarning->setText(text);
    m_secretsWarning->setVisible(!text.isEmpty());
}

void SettingsDialog::addPage(QWidget *page, const QString &title)
{
    m_tabs->addTab(page, title);
}

QString SettingsDialog::errorText() const
{
    return m_errorRow->isHidden() ? QString() : m_error->text();
}

bool SettingsDialog::apply()
{
    const auto values = collect();
    if (!values)
        return false;
    showError(QString());
    m_values = *values;
    Q_EMIT applied(m_values);
    return true;
}

std::optional<SettingsValues> SettingsDialog::collect()
{
    // A secret pasted but not yet added counts; a bad one stops the whole apply.
    if (!m_secretInput->text().trimmed().isEmpty() && !addSecret())
        return std::nullopt;
    SettingsValues v;
    v.listenAddress = m_address->text().trimmed();
    bool ok = false;
    const uint port = m_port->text().trimmed().toUInt(&ok);
    if (!ok || port < 1 || port > 65535) {
        showError(tr("The port must be a number from 1 to 65535."), m_port);
        return std::nullopt;
    }
    v.port = quint16(port);
    v.path = m_path->text().trimmed();
    if (!v.path.isEmpty() && !v.path.startsWith(u'/'))
        v.path.prepend(u'/');
    v.toleranceSeconds = m_tolerance->value();
    v.tlsCert = m_tlsCert->text().trimmed();
    v.tlsKey = m_tlsKey->text().trimmed();
    v.secrets = m_secrets;
    v.quietWorkingMinutes = m_quietWorking->value();
    v.quietNotStartedMinutes = m_quietNotStarted->value();
    v.storeFolder = m_storeFolder->text().trimmed();
    v.storeUrl = m_storeUrl->text().trimmed();
    v.retentionDays = m_retentionDays->value();
    v.retentionMaxMb = m_retentionMaxMb->value();
    v.memoryCap = m_memoryCap->value();
    v.durability = m_durability->currentData().toString();
    v.closeToTray = m_closeToTray->isChecked();
    v.startAtLogin = m_startAtLogin->isChecked();
    v.alerts = m_alerts->settings();
    collectForward(v);

    SettingsValues::Field where = SettingsValues::Field::None;
    const QString problem = v.problem(&where);
    if (!problem.isEmpty()) {
        QWidget *field = nullptr;
        switch (where) {
        case SettingsValues::Field::Address:
            field = m_address;
            break;
        case SettingsValues::Field::Path:
            field = m_path;
            break;
        case SettingsValues::Field::Tls:
            field = v.tlsCert.isEmpty() ? m_tlsCert : m_tlsKey;
            break;
        case SettingsValues::Field::Tolerance:
            field = m_tolerance;
            break;
        case SettingsValues::Field::Quiet:
            field = m_quietWorking;
            break;
        case SettingsValues::Field::Store:
            field = m_storeUrl;
            break;
        case SettingsValues::Field::Secrets:
            field = m_secretList;
            break;
        case SettingsValues::Field::ForwardTarget:
        case SettingsValues::Field::ForwardSecret:
            field = forwardField(where);
            break;
        case SettingsValues::Field::None:
            break;
        }
        showError(problem, field);
        return std::nullopt;
    }
    for (QLineEdit *file : {m_tlsCert, m_tlsKey}) {
        const QString path = file->text().trimmed();
        if (!path.isEmpty() && !QFileInfo(path).isReadable()) {
            showError(tr("Cannot read %1.").arg(path), file);
            return std::nullopt;
        }
    }
    if (!v.storeFolder.isEmpty() && QFileInfo(v.storeFolder).exists() && !QFileInfo(v.storeFolder).isDir()) {
        showError(tr("The data folder %1 is a file.").arg(v.storeFolder), m_storeFolder);
        return std::nullopt;
    }
    return v;
}

bool SettingsDialog::addSecret()
{
    const QString text = m_secretInput->text().trimmed();
    QString why;
    const auto secret = SigningSecret::parse(text, &why);
    if (!secret) {
        showError(why, m_secretInput);
        return false;
    }
    for (const QString &known : std::as_const(m_secrets)) {
        if (SecretStore::sameSecret(known, text)) {
            showError(tr("This signing secret (%1) is already in the list.").arg(secret->hint()),
                      m_secretInput);
            return false;
        }
    }
    m_secrets.append(text);
    m_secretInput->clear();
    refreshSecrets();
    m_secretList->setCurrentRow(int(m_secrets.size() - 1));
    showError(QString());
    return true;
}

void SettingsDialog::removeSecret()
{
    const int row = m_secretList->currentRow();
    if (row < 0 || row >= m_secrets.size())
        return;
    m_secrets.removeAt(row);
    refreshSecrets();
}

void SettingsDialog::refreshSecrets()
{
    m_secretList->clear();
    for (const QString &text : std::as_const(m_secrets)) {
        const auto secret = SigningSecret::parse(text);
        m_secretList->addItem(secret ? tr("Secret ending %1").arg(secret->hint()) : tr("Unreadable secret"));
    }
    m_noSecrets->setVisible(m_secrets.isEmpty());
    m_removeSecret->setEnabled(m_secretList->currentRow() >= 0);
    if (m_forwardSecretChoice)
        refreshForwardSecrets();
}

void SettingsDialog::showError(const QString &text, QWidget *field)
{
    m_error->setText(text);
    m_errorRow->setVisible(!text.isEmpty());
    if (!field)
        return;
    // Brings the field's tab forward so the problem is in view.
    for (QWidget *w = field; w; w = w->parentWidget()) {
        const int index = m_tabs->indexOf(w);
        if (index >= 0) {
            m_tabs->setCurrentIndex(index);
            break;
        }
    }
    field->setFocus();
}

void SettingsDialog::browseFile(QLineEdit *target, const QString &title)
{
    const QString start = target->text().isEmpty() ? QString() : QFileInfo(target->text()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, title, start,
                                                      tr("PEM files (*.pem *.crt *.key);;All files (*)"));
    if (!file.isEmpty())
        target->setText(file);
}

void SettingsDialog::browseFolder()
{
    const QString start
        = m_storeFolder->text().isEmpty() ? Database::defaultDataDir() : m_storeFolder->text();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose the data folder"), start);
    if (!dir.isEmpty())
        m_storeFolder->setText(dir);
}

bool SettingsDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_secretInput && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && !m_secretInput->text().isEmpty()) {
            addSecret();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace mm
