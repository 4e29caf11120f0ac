// SPDX-License-Identifier: GPL-3.0-or-later
// The main window: where the receiver listens, and its verdicts as they happen.
#pragma once

#include <QMainWindow>

class QLabel;
class QTableView;

namespace mm {

class LiveLogModel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(LiveLogModel *log, QWidget *parent = nullptr);

    void setListenUrl(const QString &url);
    void setDemo(bool demo);
    void setProblem(const QString &text); // empty hides the banner

private:
    void updateCounts();

    LiveLogModel *m_log;
    QTableView *m_view = nullptr;
    QLabel *m_demoBanner = nullptr;
    QLabel *m_problemBanner = nullptr;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_countsLabel = nullptr;
};

} // namespace mm
