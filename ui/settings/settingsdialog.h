// SPDX-License-Identifier: GPL-3.0-or-later
// Edits the saved settings as a SettingsValues and hands them out through applied().
// It never touches the receiver, the store or the secrets file itself.
#pragma once

#include "settings/appsettings.h"

#include <QDialog>
#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QComboBox;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;

namespace mm {

class AlertsPage;

class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(const SettingsValues &values, QWidget *parent = nullptr);

    // Fills every field; the values last applied (or given) are values().
    void setValues(const SettingsValues &values);
    SettingsValues values() const { return m_values; }
    // A line above the buttons, e.g. which values the command line overrides for this run.
    void setNote(const QString &text);
    // Shown above the secrets list, e.g. that no keyring was found and where they are kept
    // instead; empty hides it.
    void setSecretsWarning(const QString &text);
    // The problem shown, or an empty string.
    QString errorText() const;
    // A page that is not about saved settings (Companies: saved in the store as it is edited).
    void addPage(QWidget *page, const QString &title);

public Q_SLOTS:
    // Checks the fields; emits applied() and returns true, or shows the problem and returns false.
    bool apply();

Q_SIGNALS:
    void applied(const mm::SettingsValues &values);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *receiverPage();
    QWidget *secretsPage();
    QWidget *monitoringPage();
    QWidget *forwardingPage(); // settingsforwarding.cpp, as are the forward* functions below
    void setForwardValues(const SettingsValues &values);
    void collectForward(SettingsValues &values) const;
    QWidget *forwardField(SettingsValues::Field field) const;
    void refreshForwardSecrets();
    void updateForwardControls();
    // The field values, or nullopt after showing what is wrong (and focusing the field).
    std::optional<SettingsValues> collect();
    bool addSecret();
    void removeSecret();
    void refreshSecrets();
    void showError(const QString &text, QWidget *field = nullptr);
    void browseFile(QLineEdit *target, const QString &title);
    void browseFolder();

    SettingsValues m_values;
    QStringList m_secrets;
    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_address = nullptr;
    QLineEdit *m_port = nullptr;
    QLineEdit *m_path = nullptr;
    QSpinBox *m_tolerance = nullptr;
    QLineEdit *m_tlsCert = nullptr;
    QLineEdit *m_tlsKey = nullptr;
    QListWidget *m_secretList = nullptr;
    QLabel *m_noSecrets = nullptr;
    QLineEdit *m_secretInput = nullptr;
    QPushButton *m_removeSecret = nullptr;
    QSpinBox *m_quietWorking = nullptr;
    QSpinBox *m_quietNotStarted = nullptr;
    QLineEdit *m_storeFolder = nullptr;
    QLineEdit *m_storeUrl = nullptr;
    AlertsPage *m_alerts = nullptr;
    QCheckBox *m_closeToTray = nullptr;
    QSpinBox *m_retentionDays = nullptr;
    QSpinBox *m_retentionMaxMb = nullptr;
    QSpinBox *m_memoryCap = nullptr;
    QComboBox *m_durability = nullptr;
    QLabel *m_secretsWarning = nullptr;
    QCheckBox *m_startAtLogin = nullptr;
    QCheckBox *m_forwardEnabled = nullptr;
    QLineEdit *m_forwardTarget = nullptr;
    QRadioButton *m_forwardOriginal = nullptr;
    QRadioButton *m_forwardResign = nullptr;
    QComboBox *m_forwardSecretChoice = nullptr;
    QLineEdit *m_forwardSecretInput = nullptr;
    QStringList m_forwardChoices; // the secrets m_forwardSecretChoice offers, in its order
    QLabel *m_note = nullptr;
    QWidget *m_errorRow = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace mm
