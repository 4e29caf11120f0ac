// SPDX-License-Identifier: GPL-3.0-or-later
// The main window: the migrations board on top; below it the event log, the selected
// migration's timeline, the receiver's live verdicts and the rejected deliveries.
#pragma once

#include <QMainWindow>

class QLabel;
class QLineEdit;
class QTableView;
class QTabWidget;

namespace mm {

class LiveLogModel;
class MonitorModel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(MonitorModel *model, LiveLogModel *log, QWidget *parent = nullptr);

    void setListenUrl(const QString &url);
    void setDemo(bool demo);
    void setProblem(const QString &text); // empty hides the banner
    void setLoadStatus(const QString &text);

private:
    void applyFilter();
    void showMigration(const QModelIndex &proxyIndex);
    void updateCounts();
    void showDowntime();

    MonitorModel *m_model;
    LiveLogModel *m_log;
    QLineEdit *m_filter = nullptr;
    QTableView *m_board = nullptr;
    QTableView *m_events = nullptr;
    QTableView *m_timeline = nullptr;
    QTableView *m_live = nullptr;
    QTableView *m_rejected = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_timelineTitle = nullptr;
    QLabel *m_downtime = nullptr;
    QLabel *m_demoBanner = nullptr;
    QLabel *m_problemBanner = nullptr;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_countsLabel = nullptr;
    QLabel *m_loadLabel = nullptr;
};

} // namespace mm
