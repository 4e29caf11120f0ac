// SPDX-License-Identifier: GPL-3.0-or-later
#include "alertspage.h"

#include <QCheckBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTimeEdit>
#include <QVBoxLayout>
#include <functional>

namespace mm {

namespace {
QLabel *hint(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QTime fromMinute(int minute)
{
    return QTime(minute / 60, minute % 60);
}

int toMinute(const QTime &time)
{
    return time.hour() * 60 + time.minute();
}

// Return in the line adds its text, instead of closing the dialog.
class ReturnAdds final : public QObject
{
public:
    ReturnAdds(QLineEdit *line, std::function<void()> add)
        : QObject(line)
        , m_add(std::move(add))
    {
        line->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const int key = static_cast<QKeyEvent *>(event)->key();
            if (key == Qt::Key_Return || key == Qt::Key_Enter) {
                m_add();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_add;
};
} // namespace

AlertsPage::AlertsPage(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(
        hint(tr("Desktop notifications for what needs a look. Bursts are summed up: at most one "
                "notification per migration every 30 seconds, and five a minute."),
             this));

    auto *rules = new QGroupBox(tr("Alert when"), this);
    auto *rulesLayout = new QVBoxLayout(rules);
    auto rule = [rules, rulesLayout](const QString &name, const QString &text) {
        auto *box = new QCheckBox(text, rules);
        box->setObjectName(name);
        rulesLayout->addWidget(box);
        return box;
    };
    m_failed = rule(QStringLiteral("alertFailed"), tr("A migration &fails"));
    m_completed = rule(QStringLiteral("alertCompleted"), tr("A migration completes with fail&ures"));
    m_taskFailed = rule(QStringLiteral("alertTaskFailed"), tr("A migration's &task fails"));
    m_otherFailures = rule(QStringLiteral("alertOtherFailures"),
                           tr("Any &other event whose type ends in .failed or .rejected (a login "
                              "rejection, a new failure type)"));
    m_quietMigration = rule(QStringLiteral("alertQuiet"),
                            tr("A migration is &quiet for longer than its threshold (Settings → "
                               "Monitoring)"));
    m_quietMigration->setToolTip(
        tr("Anon sends no progress or heartbeat events: a long migration, or one waiting for the "
           "customer's login, is quiet too. Off by default."));
    m_rejections = rule(QStringLiteral("alertRejections"),
                        tr("%1 or more deliveries are &rejected within a minute (likely a wrong secret)")
                            .arg(AlertSettings::RejectionThreshold));
    m_listener = rule(QStringLiteral("alertListener"), tr("The receiver stops &listening"));
    layout->addWidget(rules);

    m_quiet = new QCheckBox(tr("&Quiet hours from"), this);
    m_quiet->setObjectName(QStringLiteral("quietHours"));
    m_quietStart = new QTimeEdit(this);
    m_quietStart->setObjectName(QStringLiteral("quietStart"));
    m_quietStart->setDisplayFormat(QStringLiteral("HH:mm"));
    m_quietEnd = new QTimeEdit(this);
    m_quietEnd->setObjectName(QStringLiteral("quietEnd"));
    m_quietEnd->setDisplayFormat(QStringLiteral("HH:mm"));
    auto *to = new QLabel(tr("to"), this);
    connect(m_quiet, &QCheckBox::toggled, this, [this](bool on) {
        m_quietStart->setEnabled(on);
        m_quietEnd->setEnabled(on);
    });
    auto *quietRow = new QHBoxLayout;
    quietRow->addWidget(m_quiet);
    quietRow->addWidget(m_quietStart);
    quietRow->addWidget(to);
    quietRow->addWidget(m_quietEnd);
    quietRow->addStretch(1);
    layout->addLayout(quietRow);

    auto *muted = new QGroupBox(tr("Muted migrations"), this);
    auto *mutedLayout = new QVBoxLayout(muted);
    m_muted = new QListWidget(muted);
    m_muted->setObjectName(QStringLiteral("mutedMigrations"));
    m_noneMuted = hint(tr("No migration is muted. A muted migration never raises an alert."), muted);
    m_muteInput = new QLineEdit(muted);
    m_muteInput->setObjectName(QStringLiteral("muteInput"));
    m_muteInput->setPlaceholderText(tr("Migration id (mig_…)"));
    m_muteInput->setClearButtonEnabled(true);
    new ReturnAdds(m_muteInput, [this] { addMuted(); });
    auto *mute = new QPushButton(tr("&Mute"), muted);
    mute->setObjectName(QStringLiteral("mute"));
    mute->setAutoDefault(false);
    connect(mute, &QPushButton::clicked, this, &AlertsPage::addMuted);
    m_unmute = new QPushButton(tr("U&nmute"), muted);
    m_unmute->setObjectName(QStringLiteral("unmute"));
    m_unmute->setAutoDefault(false);
    connect(m_unmute, &QPushButton::clicked, this, [this] {
        delete m_muted->takeItem(m_muted->currentRow());
        refreshMuted();
    });
    connect(m_muted, &QListWidget::currentRowChanged, this,
            [this](int row) { m_unmute->setEnabled(row >= 0); });
    auto *muteRow = new QHBoxLayout;
    muteRow->addWidget(m_muteInput, 1);
    muteRow->addWidget(mute);
    muteRow->addWidget(m_unmute);
    mutedLayout->addWidget(m_muted, 1);
    mutedLayout->addWidget(m_noneMuted);
    mutedLayout->addLayout(muteRow);
    layout->addWidget(muted, 1);

    setSettings(AlertSettings());
}

void AlertsPage::setSettings(const AlertSettings &s)
{
    m_failed->setChecked(s.migrationFailed);
    m_completed->setChecked(s.completedWithFailures);
    m_taskFailed->setChecked(s.taskFailed);
    m_otherFailures->setChecked(s.otherFailures);
    m_quietMigration->setChecked(s.quietMigrations);
    m_rejections->setChecked(s.rejections);
    m_listener->setChecked(s.listener);
    m_quiet->setChecked(s.quietHours);
    m_quietStart->setTime(fromMinute(s.quietStartMinute));
    m_quietEnd->setTime(fromMinute(s.quietEndMinute));
    m_quietStart->setEnabled(s.quietHours);
    m_quietEnd->setEnabled(s.quietHours);
    m_muted->clear();
    m_muted->addItems(s.mutedMigrations);
    refreshMuted();
}

AlertSettings AlertsPage::settings() const
{
    AlertSettings s;
    s.migrationFailed = m_failed->isChecked();
    s.completedWithFailures = m_completed->isChecked();
    s.taskFailed = m_taskFailed->isChecked();
    s.otherFailures = m_otherFailures->isChecked();
    s.quietMigrations = m_quietMigration->isChecked();
    s.rejections = m_rejections->isChecked();
    s.listener = m_listener->isChecked();
    s.quietHours = m_quiet->isChecked();
    s.quietStartMinute = toMinute(m_quietStart->time());
    s.quietEndMinute = toMinute(m_quietEnd->time());
    for (int i = 0; i < m_muted->count(); ++i)
        s.mutedMigrations.append(m_muted->item(i)->text());
    return s;
}

void AlertsPage::addMuted()
{
    const QString id = m_muteInput->text().trimmed();
    if (id.isEmpty())
        return;
    if (m_muted->findItems(id, Qt::MatchExactly).isEmpty())
        m_muted->addItem(id);
    m_muteInput->clear();
    refreshMuted();
}

void AlertsPage::refreshMuted()
{
    m_muted->setVisible(m_muted->count() > 0);
    m_noneMuted->setVisible(m_muted->count() == 0);
    m_unmute->setEnabled(m_muted->currentRow() >= 0);
}

} // namespace mm
