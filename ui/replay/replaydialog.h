// SPDX-License-Identifier: GPL-3.0-or-later
// Sends stored deliveries again to a URL: one, the selection, a migration or what the filter
// shows; with their headers as received or signed now; with progress, each answer and
// Cancel; and the replay history. Sessions come from the factory app/ hands in.
#pragma once

#include "replay/replaysession.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTabWidget;

namespace mm {

class ReplayHistoryPage;
class ReplayResultsModel;
class ReplayResultsView;
class SecretPicker;

// One choice of what to replay, e.g. "The 3 selected deliveries".
struct ReplayScope
{
    QString label;
    ReplaySelection selection;
};

class ReplayDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayDialog)

public:
    enum Page { ReplayPage, HistoryPage };

    ReplayDialog(const ReplaySessionFactory &factory, QWidget *parent = nullptr);

    // The choices of what to send, and which is chosen (ignored while a replay runs).
    void setScopes(const QList<ReplayScope> &scopes, int current);
    // The configured signing secrets, offered by their last four characters.
    void setSecrets(const QList<SigningSecret> &secrets);
    void setTarget(const QString &url);
    void showPage(Page page);

    // Starts as the Start button does; false when something is wrong (errorText() says what).
    bool start();
    void cancel();
    bool isRunning() const;
    QString errorText() const;
    QString statusText() const;
    ReplayResultsModel *results() const { return m_results; }
    ReplayResultsView *resultsView() const { return m_resultsView; }
    ReplayHistoryPage *history() const { return m_history; }

Q_SIGNALS:
    // A replay was started to this URL: worth remembering for next time.
    void targetUsed(const QString &url);
    void replayFinished(const mm::ReplaySummary &summary);

protected:
    void reject() override; // Esc or Close: cancels a running replay first

private:
    QWidget *createReplayPage();
    void updateControls();
    void showError(const QString &text, QWidget *field = nullptr);
    void onStarted(int total);
    void onProgress(int done, int total);
    void onResult(const ReplayResult &result);
    void onFinished(const ReplaySummary &summary);
    void onFailed(const QString &error);

    ReplaySession *m_session;
    QList<ReplayScope> m_scopes;
    QTabWidget *m_tabs = nullptr;
    QComboBox *m_scope = nullptr;
    QLineEdit *m_target = nullptr;
    QRadioButton *m_asReceived = nullptr;
    QRadioButton *m_resign = nullptr;
    SecretPicker *m_secret = nullptr;
    QCheckBox *m_newIds = nullptr;
    QSpinBox *m_concurrency = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QSpinBox *m_retries = nullptr;
    QWidget *m_form = nullptr;
    QLabel *m_error = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_status = nullptr;
    ReplayResultsModel *m_results = nullptr;
    ReplayResultsView *m_resultsView = nullptr;
    ReplayHistoryPage *m_history = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_close = nullptr;
    ReplaySummary m_tally; // of the run under way
    qint64 m_runId = -1;
    QString m_historyProblem;
};

} // namespace mm
