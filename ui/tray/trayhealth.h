// SPDX-License-Identifier: GPL-3.0-or-later
// Decides what the tray icon says: listening and all well, failures that arrived while
// nobody was looking (with their count), or the listener down. Plain logic, no widgets.
#pragma once

#include "store/records.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QUrl>

namespace mm {

class TrayHealth final
{
    Q_DECLARE_TR_FUNCTIONS(mm::TrayHealth)

public:
    // In order of precedence: a stopped listener outranks unseen failures.
    enum class State { Listening, UnseenFailures, ListenerDown };

    enum class Failure { None, MigrationFailed, CompletedWithFailures, TaskFailed };
    // Which kind of failure one stored delivery reports, if any.
    static Failure failureOf(const EventFacts &facts);

    struct Counts
    {
        int migrationsFailed = 0;
        int completedWithFailures = 0;
        int taskFailures = 0;

        int total() const { return migrationsFailed + completedWithFailures + taskFailures; }
        bool operator==(const Counts &) const = default;
    };

    // Returns true when something the tray shows changed.
    bool setListener(bool listening, const QUrl &url);
    // The window is shown, not minimised and active: the user sees what arrives, and
    // what arrived before is taken as seen.
    bool setAttended(bool attended);
    // Failures among newly committed deliveries count as unseen unless the window is
    // attended. Retries of a stored delivery and local replays are not news.
    bool noteDeliveries(const QList<EventFacts> &facts);
    bool clearUnseen();
    // Alerts muted until this time (an invalid time: not muted); shown in the tooltip.
    bool setAlertsPausedUntil(const QDateTime &until);

    State state() const;
    bool isListening() const { return m_listening; }
    bool isAttended() const { return m_attended; }
    QUrl url() const { return m_url; }
    const Counts &unseen() const { return m_unseen; }
    QDateTime alertsPausedUntil() const { return m_pausedUntil; }

    // The tooltip: the app's name, where it listens (or that it does not) and what went
    // unseen; a pause that has not yet ended by now is mentioned.
    QString toolTip(const QDateTime &now) const;
    // The text of the badge for count unseen failures: "7", "42", "99+".
    static QString badgeText(int count);

private:
    bool m_listening = false;
    bool m_attended = false;
    QUrl m_url;
    Counts m_unseen;
    QDateTime m_pausedUntil;
};

} // namespace mm
