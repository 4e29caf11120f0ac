// SPDX-License-Identifier: GPL-3.0-or-later
// The main window: the migrations board on top; below it the event log, the selected
// migration's timeline, the overview of all migrations, the receiver's live verdicts and the
// rejected deliveries; beside
// the event log, the inspector for the selected event's payload.
#pragma once

#include "filterbar/filterbar.h"
#include "replay/replaysession.h"
#include "statusbar/storestatus.h"

#include <QMainWindow>
#include <QMap>
#include <QUrl>
#include <memory>

class QLabel;
class QStackedWidget;
class QLineEdit;
class QSplitter;
class QTableView;
class QTabWidget;

namespace mm {

class EventActions;
class FileActions;
class ForwardingView;
class InspectorWidget;
class ReplayActions;
class SigningSecret;
class ListenUrl;
class RequestLogModel;
class RejectedView;
class MonitorModel;
class OverviewPane;
class Sparkline;
class StatsView;
class TaskFailureNote;
class TimelineWidget;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(MonitorModel *model, RequestLogModel *requestLog, QWidget *parent = nullptr);

    void setListenUrl(const QString &url);
    void setDemo(bool demo);
    void setProblem(const QString &text); // empty hides the banner
    // The size of the store's files on disk; guirunner measures it, the window only shows it.
    void setStoreSize(qint64 bytes);
    // Where the store is (Store::displayName(), never with a password), in the size's tooltip.
    void setStoreName(const QString &name);
    // A store that receivers elsewhere write (a team's, or --view-only): the status bar names it
    // and the receivers listening now, from the model's heartbeats.
    void setSharedStore(const QString &name, bool ownReceiver);
    // The filter bar's state, saved by the caller between runs.
    FilterState filterState() const;
    void setFilterState(const FilterState &state);
    // Shows page (the first-run welcome) in place of the board; nullptr brings the board back
    // and deletes the page shown before.
    void setWelcomePage(QWidget *page);
    // Where the store lives, so the inspector can read the selected event's payload.
    void setStoreAvailable(bool available);
    // The last four characters of each configured secret, for the inspector's verification page.
    void setSecretHints(const QStringList &hints);
    // Where "Copy as curl" sends to and the secret it signs with (none: unsigned).
    void setCurlTarget(const QUrl &target, std::shared_ptr<const SigningSecret> secret, int toleranceSeconds);
    // Replay (the replay dialog, edit and replay) gets its sessions from here; without a
    // factory it is not offered. mainwindowreplay.cpp, as are the replay setters below.
    void setReplaySessionFactory(ReplaySessionFactory factory);
    // The configured signing secrets a replay may be signed with (shown by their hints only).
    void setReplaySecrets(const QList<SigningSecret> &secrets);
    // The target URL the replay dialogs offer first (the last one used).
    void setReplayTarget(const QString &url);
    ReplayActions *replayActions() const { return m_replayActions; }
    FileActions *fileActions() const { return m_fileActions; }
    // The Forwarding tab; app/ gives it the forwarding log and says where forwarding goes.
    ForwardingView *forwardingView() const { return m_forwarding; }
    // Closing the window from the window manager hides it instead (the wiring turns this on
    // only when a tray icon exists). Quitting still quits.
    void setCloseToTray(bool on) { m_closeToTray = on; }
    bool closeToTray() const { return m_closeToTray; }
    // Selects the migration's row on the board (clearing a filter that hides it) and shows
    // its timeline; false when no such migration is known. mainwindowalerts.cpp
    bool selectMigration(const QString &id);
    // The migration selected on the board, or an empty string.
    QString selectedMigration() const;
    // An alert inside the window, when no notification server or tray can show it; with a
    // migration it offers to open it. An empty title hides it.
    void showAlertBanner(const QString &title, const QString &body, const QString &migrationId = {});
    // Standing warnings about this computer, each under its own key ("storage", "clock"), shown
    // together in a banner until cleared with an empty text. mainwindowwarnings.cpp
    void setWarning(const QString &key, const QString &text);
    QString warningText() const; // what the banner shows, one warning a line

Q_SIGNALS:
    void settingsRequested();
    // The window was closed and hidden to the tray; the app keeps running.
    void hiddenToTray();
    // A replay was started to this URL: remember it for the next run.
    void replayTargetUsed(const QString &url);

protected:
    void closeEvent(QCloseEvent *event) override; // mainwindowmenus.cpp

private:
    void addMenus(); // mainwindowmenus.cpp
    void addReplay(); // mainwindowreplay.cpp: replay, import and export, forwarding
    void setReplayStoreAvailable(bool available); // mainwindowreplay.cpp
    void applyFilter();
    void showMigration(const QModelIndex &proxyIndex);
    void updateCounts();
    void updateStoreStatus();
    void updateInspectorVisibility();
    void updateRate();
    void showDowntime();
    void showReceivers();
    void inspectEvent(const QModelIndex &proxyIndex);

    MonitorModel *m_model;
    RequestLogModel *m_requestLog;
    FilterBar *m_filter = nullptr;
    QTableView *m_board = nullptr;
    QTableView *m_events = nullptr;
    QWidget *m_eventsPage = nullptr; // the event log tab: the log and the older-deliveries bar
    QTableView *m_timeline = nullptr;
    QTableView *m_requestView = nullptr;
    RejectedView *m_rejected = nullptr;
    QTabWidget *m_tabs = nullptr;
    QLabel *m_timelineTitle = nullptr;
    TimelineWidget *m_timelineView = nullptr;
    QLabel *m_timelineAnomalies = nullptr;
    TaskFailureNote *m_taskFailureNote = nullptr;
    OverviewPane *m_overview = nullptr;
    QLabel *m_downtime = nullptr;
    QLabel *m_demoBanner = nullptr;
    QLabel *m_problemBanner = nullptr;
    ListenUrl *m_url = nullptr;
    Sparkline *m_rate = nullptr;
    QLabel *m_storeLabel = nullptr;
    QLabel *m_receiversLabel = nullptr;
    QString m_sharedStore; // empty: the store is this window's own
    StatsView *m_stats = nullptr;
    QLabel *m_countsLabel = nullptr;
    QLabel *m_loadLabel = nullptr;
    StoreStatus m_storeStatus;
    QSplitter *m_eventSplitter = nullptr;
    int m_eventLogWidth = 0; // what the event log's columns need
    QStackedWidget *m_pages = nullptr;
    QWidget *m_welcome = nullptr;
    InspectorWidget *m_inspector = nullptr;
    EventActions *m_eventActions = nullptr;
    ReplayActions *m_replayActions = nullptr;
    FileActions *m_fileActions = nullptr;
    ForwardingView *m_forwarding = nullptr;
    bool m_storeAvailable = false;
    qint64 m_inspectedRowId = 0; // the delivery whose detail is awaited or shown
    quint64 m_detailRequest = 0; // the only answer the inspector takes
    bool m_closeToTray = false;
    QLabel *m_alertBanner = nullptr; // made on first use
    QLabel *m_warningBanner = nullptr; // made on first use
    QMap<QString, QString> m_warnings;
    QString m_alertMigration;
};

} // namespace mm
