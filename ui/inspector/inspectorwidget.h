// SPDX-License-Identifier: GPL-3.0-or-later
// Shows one stored delivery for the selected event: its JSON as a tree, the raw body, the
// first attempt's headers, every attempt, and which secret verified it. Never a secret.
#pragma once

#include "store/records.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;
class QTreeView;

namespace mm {

class JsonTreeModel;

class InspectorWidget final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InspectorWidget)

public:
    enum Page { JsonPage, RawPage, HeadersPage, AttemptsPage, VerificationPage };
    enum AttemptColumn { Seq, Received, Timestamp, Skew, Remote, UserAgent, Secret, AttemptColumnCount };

    explicit InspectorWidget(QWidget *parent = nullptr);

    // company: the delivery's company as "Acme (id)" (CompanyNames::labelWithId), or empty.
    void showDetail(const DeliveryDetail &detail, const QString &company = {});
    // The previous delivery stays visible (dimmed) until the next one arrives, so quick
    // selection changes do not flash.
    void showLoading();
    void clear(); // "Select an event to inspect it"
    // The last four characters of each configured secret (a leading "…" is fine), in
    // configuration order: index i names the secret that AttemptInfo::secretIndex i matched.
    void setSecretHints(const QStringList &hints);

    qint64 rowId() const { return m_detail.rowId; } // 0 when nothing is shown
    const DeliveryDetail &detail() const { return m_detail; }
    // Offers "Edit and replay…" (the window turns it on when it can replay).
    void setEditAndReplayAvailable(bool available);
    bool isShowingDetail() const;
    QTabWidget *tabs() const { return m_tabs; }

    // The largest body shown as a hex dump; Copy still takes all of it.
    static constexpr qsizetype MaxHexBytes = 64 * 1024;

Q_SIGNALS:
    // "Edit and replay…" was clicked for the delivery shown (detail()).
    void editAndReplayRequested();

private:
    QWidget *createJsonPage();
    QWidget *createRawPage();
    QWidget *createHeadersPage();
    QWidget *createAttemptsPage();
    QWidget *createVerificationPage();
    void showMessage(const QString &text);
    void fillJson();
    void fillRaw();
    void fillHeaders();
    void fillAttempts();
    void fillVerification();
    void copyJsonValue(int role);
    void copyBody();

    DeliveryDetail m_detail;
    QStringList m_hints;
    bool m_bodyIsText = false;

    QLabel *m_title = nullptr;
    QWidget *m_titleRow = nullptr;
    QPushButton *m_editAndReplay = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_message = nullptr;
    QTabWidget *m_tabs = nullptr;
    JsonTreeModel *m_json = nullptr;
    QTreeView *m_jsonTree = nullptr;
    QLabel *m_jsonStatus = nullptr;
    QLabel *m_rawInfo = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    QLabel *m_headersEmpty = nullptr;
    QTableWidget *m_headers = nullptr;
    QTableWidget *m_attempts = nullptr;
    QLabel *m_verification = nullptr;
};

} // namespace mm
