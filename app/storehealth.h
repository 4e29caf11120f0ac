// SPDX-License-Identifier: GPL-3.0-or-later
// The store's and the clock's health for both runners: the retention policy from the options;
// a full disk and a clock that disagrees with the sender's, told once on stderr (headless) or
// as window warnings and an alert (the window).
#pragma once

#include "model/clockskew.h"
#include "options.h"
#include "store/retention.h"
#include "store/store.h"

#include <QObject>

namespace mm {

class AlertMonitor;
class MainWindow;
class ReceiverHost;

// The store the options name (--store or MIGRATION_MONITOR_STORE or the saved store URL, else
// --data-dir, else the default folder). The receiver's thread
// commits (group commit at the end of each event-loop pass) unless MM_STORE_THREAD=1 asks for
// a writer thread of its own; the window and headless mode choose the same way.
Store::Options storeOptions(const AppOptions &options);

// --retention-days and --retention-max-mb (unset: unlimited).
RetentionPolicy retentionPolicy(const AppOptions &options);

// Switches the store to incremental vacuum if needed (a one-time VACUUM), before the writer
// opens it. Returns a sentence when that failed: the store still works, it just cannot shrink.
QString prepareStoreForRetention(const Store &store);

// The window's side: a standing warning and an alert when the disk fills (cleared when a write
// succeeds again), and a standing warning while the clock disagrees with the sender's.
class GuiHealth final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiHealth)

public:
    GuiHealth(Store *store, MainWindow *window, AlertMonitor *alerts, int toleranceSeconds,
              QObject *parent = nullptr);
    void setToleranceSeconds(int seconds);

private:
    void storageFull(bool full, const QString &reason);
    void committed(const QList<mm::EventFacts> &facts);
    void showSkew();

    MainWindow *m_window;
    AlertMonitor *m_alerts;
    QString m_location;
    int m_toleranceSeconds;
    ClockSkew m_skew;
};

class HeadlessHealth final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadlessHealth)

public:
    HeadlessHealth(Store *store, ReceiverHost *receiver, int toleranceSeconds, QObject *parent = nullptr);

private:
    void storageFull(bool full, const QString &reason);
    void reachabilityChanged(bool reachable, const QString &reason);
    void handled(const QList<mm::DeliveryLogEntry> &entries);

    QString m_location;
    int m_toleranceSeconds;
    ClockSkew m_skew;
    bool m_skewReported = false;
};

} // namespace mm
