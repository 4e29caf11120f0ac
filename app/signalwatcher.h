// SPDX-License-Identifier: GPL-3.0-or-later
// Turns SIGINT and SIGTERM into a Qt signal on the main thread (self-pipe), so
// shutdown runs as ordinary event-loop code rather than inside a signal handler.
#pragma once

#include <QObject>

class QSocketNotifier;

namespace mm {

class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace mm
