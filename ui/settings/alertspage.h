// SPDX-License-Identifier: GPL-3.0-or-later
// The settings dialog's Alerts tab: which happenings raise a desktop alert, quiet hours,
// and the migrations whose alerts are muted.
#pragma once

#include "alerts/alertrules.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimeEdit;

namespace mm {

class AlertsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsPage)

public:
    explicit AlertsPage(QWidget *parent = nullptr);

    void setSettings(const AlertSettings &settings);
    AlertSettings settings() const;

private:
    void addMuted();
    void refreshMuted();

    QCheckBox *m_failed = nullptr;
    QCheckBox *m_completed = nullptr;
    QCheckBox *m_taskFailed = nullptr;
    QCheckBox *m_otherFailures = nullptr;
    QCheckBox *m_quietMigration = nullptr;
    QCheckBox *m_rejections = nullptr;
    QCheckBox *m_listener = nullptr;
    QCheckBox *m_quiet = nullptr;
    QTimeEdit *m_quietStart = nullptr;
    QTimeEdit *m_quietEnd = nullptr;
    QListWidget *m_muted = nullptr;
    QLabel *m_noneMuted = nullptr;
    QLineEdit *m_muteInput = nullptr;
    QPushButton *m_unmute = nullptr;
};

} // namespace mm
