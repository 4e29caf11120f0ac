// SPDX-License-Identifier: GPL-3.0-or-later
// Feeds live happenings (stored deliveries, quiet migrations, refusals, the listener's state) through
// the alert rules and the coalescer on the GUI thread, and says what to notify.
#pragma once

#include "alertrules.h"
#include "coalescer.h"
#include "receiver/receiver.h"

#include <QObject>
#include <QTimer>

namespace mm {

class MonitorModel;

class AlertMonitor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertMonitor)

public:
    using Clock = std::function<qint64()>; // milliseconds since the epoch

    // An empty clock reads the system clock.
    explicit AlertMonitor(Clock clock = {}, QObject *parent = nullptr);

    AlertSettings settings() const { return m_rules.settings(); }
    void setSettings(const AlertSettings &settings) { m_rules.setSettings(settings); }
    void setMuted(const QString &migrationId, bool muted) { m_rules.setMuted(migrationId, muted); }
    // "Pause alerts for 1 h"; 0 ends a pause.
    void pauseFor(qint64 ms);
    bool isSilenced() const { return m_rules.isSilenced(); }

    // Quiet migrations from the model. Those found by the check that follows the load from the
    // store were there before this run, so they are the baseline, not news.
    void watchQuiet(MonitorModel *model);

public Q_SLOTS:
    // Facts of live deliveries (StoreWriter::committed), never those loaded at start-up.
    void ingest(const QList<mm::EventFacts> &facts);
    void quiet(const QStringList &migrationIds);
    // The receiver's verdicts (ReceiverHost::handled): 401s count as refusals.
    void handled(const QList<mm::DeliveryLogEntry> &entries);
    // A listener that goes from listening (or unknown) to not listening alerts once.
    void setListening(bool listening, const QString &reason = {});
    // The store's disk is full (StoreWriter::storageFull): alerts once when it fills; cleared
    // when a write succeeds again, so the next time it fills alerts again.
    void setStorageFull(bool full, const QString &reason = {});
    // The notification server closed one of ours (see Coalescer::closed).
    void notificationClosed(quint32 id, bool byUser);

Q_SIGNALS:
    void notify(const mm::Notification &notification);
    // Every alert the rules let through, before coalescing (for a tray badge, say).
    void raised(const mm::Alert &alert);

private:
    qint64 now() const;
    void take(const QList<Alert> &alerts);
    void emitAll(const QList<Notification> &notifications);
    void schedule();

    Clock m_clock;
    AlertRules m_rules;
    Coalescer m_coalescer;
    QTimer m_timer;
    bool m_storeLoaded = false;
    bool m_baselineCheck = false; // the quiet check right after the load is under way
    std::optional<bool> m_listening;
    bool m_storageFull = false;
};

} // namespace mm
