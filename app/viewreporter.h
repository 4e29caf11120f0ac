// SPDX-License-Identifier: GPL-3.0-or-later
// A diagnostic for smoke tests: with MM_VIEW_REPORT=1 the running window prints what it
// shows, once a second, as one line on stdout. Without the variable it does nothing.
#pragma once

#include <QObject>
#include <QTimer>

class QWidget;

namespace mm {

class MonitorModel;
class ReceiverHost;

class ViewReporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ViewReporter)

public:
    // Reads the environment; stays idle unless MM_VIEW_REPORT is 1.
    ViewReporter(const QWidget *window, MonitorModel *model, const ReceiverHost *receiver,
                 QObject *parent = nullptr);

    // "view: window=shown migrations=5 events=40 rejected=2 listening=http://127.0.0.1:PORT/webhooks
    // selected=mig_1" (the migration selected on the board, or -)
    // counting the rows of the models the window's tables show (after the filter).
    QString line() const;

private:
    void report();

    const QWidget *m_window;
    MonitorModel *m_model;
    const ReceiverHost *m_receiver;
    QTimer m_timer;
};

} // namespace mm
