// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspectorwidget.h"

#include "inspectortext.h"
#include "jsontreemodel.h"

#include <QAction>
#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLocale>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace mm {

namespace {
QAction *addViewAction(QWidget *view, const QString &text, const QKeySequence &shortcut = {})
{
    auto *action = new QAction(text, view);
    action->setShortcut(shortcut);
    action->setShortcutContext(Qt::WidgetShortcut);
    view->addAction(action);
    return action;
}

// A read-only table whose selected rows Ctrl+C copies, cells joined by separator.
QTableWidget *copyableTable(const QStringList &headers, const QString &separator, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height()
                                                   + table->fontMetrics().height() / 2);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    QAction *copy = addViewAction(table, InspectorWidget::tr("Copy"), QKeySequence::Copy);
    QObject::connect(copy, &QAction::triggered, table, [table, separator] {
        QStringList lines;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (!table->selectionModel()->isRowSelected(row, {}))
                continue;
            QStringList cells;
            for (int column = 0; column < table->columnCount(); ++column)
                cells.append(table->item(row, column) ? table->item(row, column)->text() : QString());
            lines.append(cells.join(separator));
        }
        if (!lines.isEmpty())
            QGuiApplication::clipboard()->setText(lines.join(u'\n') + u'\n');
    });
    return table;
}

QTableWidgetItem *cell(const QString &text, const QString &toolTip = {})
{
    auto *item = new QTableWidgetItem(text);
    item->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return item;
}

QVBoxLayout *pageLayout(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);
    const int m = page->fontMetrics().height() / 3;
    layout->setContentsMargins(m, m, m, m);
    return layout;
}
} // namespace

InspectorWidget::InspectorWidget(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("inspectorTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_title->setMargin(fontMetrics().height() / 4);
    m_title->setWordWrap(true); // a long id wraps rather than widen the pane
    m_editAndReplay = new QPushButton(tr("Edit and re&play…"), this);
    m_editAndReplay->setObjectName(QStringLiteral("editAndReplay"));
    m_editAndReplay->setToolTip(tr("Edit this payload and send it, signed now, to a URL of your choice"));
    m_editAndReplay->hide();
    connect(m_editAndReplay, &QPushButton::clicked, this, &InspectorWidget::editAndReplayRequested);
    m_titleRow = new QWidget(this);
    auto *titleLayout = new QHBoxLayout(m_titleRow);
    titleLayout->setContentsMargins(0, 0, fontMetrics().height() / 4, 0);
    titleLayout->addWidget(m_title, 1);
    titleLayout->addWidget(m_editAndReplay);
    m_stack = new QStackedWidget(this);
    m_message = new QLabel(m_stack);
    m_message->setObjectName(QStringLiteral("inspectorMessage"));
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_tabs = new QTabWidget(m_stack);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(createJsonPage(), tr("&JSON"));
    m_tabs->addTab(createRawPage(), tr("&Raw"));
    m_tabs->addTab(createHeadersPage(), tr("Hea&ders"));
    m_tabs->addTab(createAttemptsPage(), tr("&Attempts"));
    m_tabs->addTab(createVerificationPage(), tr("Verificatio&n"));
    m_stack->addWidget(m_message);
    m_stack->addWidget(m_tabs);
    layout->addWidget(m_titleRow);
    layout->addWidget(m_stack, 1);
    clear();
}

QWidget *InspectorWidget::createJsonPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = pageLayout(page);
    m_jsonStatus = new QLabel(page);
    m_jsonStatus->setObjectName(QStringLiteral("jsonStatus"));
    m_jsonStatus->setWordWrap(true);
    m_jsonStatus->setTextFormat(Qt::RichText);
    m_jsonStatus->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_jsonStatus->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    connect(m_jsonStatus, &QLabel::linkActivated, m_tabs, [this] { m_tabs->setCurrentIndex(RawPage); });

    m_json = new JsonTreeModel(this);
    m_jsonTree = new QTreeView(page);
    m_jsonTree->setObjectName(QStringLiteral("jsonTree"));
    m_jsonTree->setModel(m_json);
    m_jsonTree->setUniformRowHeights(true);
    m_jsonTree->setAlternatingRowColors(true);
    m_jsonTree->setAllColumnsShowFocus(true);
    m_jsonTree->header()->setStretchLastSection(false);
    m_jsonTree->header()->setSectionResizeMode(JsonTreeModel::Value, QHeaderView::Stretch);
    m_jsonTree->setColumnWidth(JsonTreeModel::Type, fontMetrics().horizontalAdvance(u'x') * 10);
    m_jsonTree->setContextMenuPolicy(Qt::ActionsContextMenu);
    QAction *copyValue = addViewAction(m_jsonTree, tr("Copy value"), QKeySequence::Copy);
    connect(copyValue, &QAction::triggered, this, [this] { copyJsonValue(JsonTreeModel::CopyTextRole); });
    QAction *copyPath = addViewAction(m_jsonTree, tr("Copy path"), QKeySequence(tr("Ctrl+Shift+C")));
    connect(copyPath, &QAction::triggered, this, [this] { copyJsonValue(JsonTreeModel::PathRole); });
    addViewAction(m_jsonTree, QString())->setSeparator(true);
    connect(addViewAction(m_jsonTree, tr("Expand all")), &QAction::triggered, m_jsonTree,
            &QTreeView::expandAll);
    connect(addViewAction(m_jsonTree, tr("Collapse all")), &QAction::triggered, m_jsonTree,
            &QTreeView::collapseAll);
    layout->addWidget(m_jsonStatus);
    layout->addWidget(m_jsonTree, 1);
    return page;
}

QWidget *InspectorWidget::createRawPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = pageLayout(page);
    auto *bar = new QHBoxLayout;
    m_rawInfo = new QLabel(page);
    m_rawInfo->setObjectName(QStringLiteral("rawInfo"));
    m_rawInfo->setWordWrap(true);
    auto *copy = new QPushButton(tr("&Copy body"), page);
    copy->setObjectName(QStringLiteral("copyBody"));
    copy->setToolTip(tr("Copy the whole body as received (raw bytes, and the hex dump as text)"));
    connect(copy, &QPushButton::clicked, this, &InspectorWidget::copyBody);
    bar->addWidget(m_rawInfo, 1);
    bar->addWidget(copy);
    m_raw = new QPlainTextEdit(page);
    m_raw->setObjectName(QStringLiteral("rawText"));
    m_raw->setReadOnly(true);
    m_raw->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addLayout(bar);
    layout->addWidget(m_raw, 1);
    return page;
}

QWidget *InspectorWidget::createHeadersPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = pageLayout(page);
    m_headersEmpty = new QLabel(tr("Headers were not recorded for this delivery."), page);
    m_headersEmpty->setObjectName(QStringLiteral("headersEmpty"));
    m_headersEmpty->setWordWrap(true);
    m_headersEmpty->setAlignment(Qt::AlignCenter);
    m_headersEmpty->setForegroundRole(QPalette::PlaceholderText);
    m_headers = copyableTable({tr("Name"), tr("Value")}, QStringLiteral(": "), page);
    m_headers->setObjectName(QStringLiteral("headersTable"));
    m_headers->setColumnWidth(0, fontMetrics().horizontalAdvance(u'x') * 24);
    layout->addWidget(m_headersEmpty, 1);
    layout->addWidget(m_headers, 1);
    return page;
}

QWidget *InspectorWidget::createAttemptsPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = pageLayout(page);
    m_attempts = copyableTable({tr("#"), tr("Received"), tr("svix-timestamp"), tr("Skew"), tr("Remote"),
                                tr("User agent"), tr("Secret")},
                               QStringLiteral("\t"), page);
    m_attempts->setObjectName(QStringLiteral("attemptsTable"));
    m_attempts->horizontalHeaderItem(Skew)->setToolTip(
        tr("How long after its svix-timestamp the attempt arrived, in seconds"));
    layout->addWidget(m_attempts, 1);
    return page;
}

QWidget *InspectorWidget::createVerificationPage()
{
    auto *page = new QWidget(m_tabs);
    auto *layout = pageLayout(page);
    m_verification = new QLabel(page);
    m_verification->setObjectName(QStringLiteral("verification"));
    m_verification->setWordWrap(true);
    m_verification->setTextFormat(Qt::PlainText);
    m_verification->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    auto *note = new QLabel(tr("Secrets and signature values are never stored or shown; a secret is named by "
                               "its place in the configuration and its last four characters."),
                            page);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_verification);
    layout->addWidget(note);
    layout->addStretch(1);
    return page;
}

bool InspectorWidget::isShowingDetail() const
{
    return m_stack->currentWidget() == m_tabs;
}

void InspectorWidget::showMessage(const QString &text)
{
    m_message->setText(text);
    m_titleRow->hide();
    m_tabs->setEnabled(true);
    m_stack->setCurrentWidget(m_message);
}

void InspectorWidget::clear()
{
    m_detail = DeliveryDetail();
    m_json->clear();
    m_raw->clear();
    m_headers->setRowCount(0);
    m_attempts->setRowCount(0);
    m_verification->clear();
    showMessage(tr("Select an event to inspect it"));
}

void InspectorWidget::showLoading()
{
    if (!isShowingDetail()) {
        showMessage(tr("Loading…"));
        return;
    }
    m_tabs->setEnabled(false);
    m_editAndReplay->setEnabled(false);
    m_title->setText(tr("Loading…"));
}

void InspectorWidget::showDetail(const DeliveryDetail &detail, const QString &company)
{
    m_detail = detail;
    if (!detail.found) {
        if (detail.deleted)
            showMessage(tr("Retention deleted this delivery: it was past the store's age or size limit, "
                           "so its body and headers are gone."));
        else
            showMessage(detail.error.isEmpty() ? tr("This delivery is no longer in the store.")
                                               : tr("Could not read this delivery: %1").arg(detail.error));
        return;
    }
    const qsizetype n = detail.attempts.size();
    m_title->setText(tr("%1 · %2 bytes · %3")
                         .arg(QString::fromUtf8(detail.msgId),
                              QLocale().toString(qlonglong(detail.body.size())),
                              n == 1 ? tr("1 attempt") : tr("%1 attempts").arg(n))
                     + (company.isEmpty() ? QString() : tr(" · company %1").arg(company)));
    fillJson();
    fillRaw();
    fillHeaders();
    fillAttempts();
    fillVerification();
    m_tabs->setEnabled(true);
    m_editAndReplay->setEnabled(true);
    m_titleRow->show();
    m_stack->setCurrentWidget(m_tabs);
}

void InspectorWidget::setEditAndReplayAvailable(bool available)
{
    m_editAndReplay->setVisible(available);
}

void InspectorWidget::setSecretHints(const QStringList &hints)
{
    m_hints = hints;
    if (m_detail.found) {
        fillAttempts();
        fillVerification();
    }
}

void InspectorWidget::fillJson()
{
    const QString rawLink = tr("<a href=\"#raw\">The Raw tab</a> shows the body as received.");
    if (m_detail.body.isEmpty()) {
        m_json->clear();
        m_jsonStatus->setText(tr("The body is empty.") + u' ' + rawLink);
        m_jsonStatus->show();
        m_jsonTree->hide();
        return;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(m_detail.body, &error);
    if (error.error != QJsonParseError::NoError) {
        m_json->clear();
        m_jsonStatus->setText(
            tr("Not JSON: %1 at offset %2.").arg(error.errorString().toHtmlEscaped()).arg(error.offset) + u' '
            + rawLink);
        m_jsonStatus->show();
        m_jsonTree->hide();
        return;
    }
    m_json->setDocument(document);
    m_jsonStatus->hide();
    m_jsonTree->show();
    // Anon's envelope keeps what matters at data.object.*: open that far, no further.
    m_jsonTree->expandToDepth(2);
    m_jsonTree->resizeColumnToContents(JsonTreeModel::Key);
    const int em = fontMetrics().horizontalAdvance(u'x');
    m_jsonTree->setColumnWidth(JsonTreeModel::Key,
                               std::clamp(m_jsonTree->columnWidth(JsonTreeModel::Key), em * 12, em * 40));
    if (m_json->rowCount() > 0)
        m_jsonTree->setCurrentIndex(m_json->index(0, 0));
}

void InspectorWidget::fillRaw()
{
    const QByteArray &body = m_detail.body;
    const QString size = QLocale().toString(qlonglong(body.size()));
    const std::optional<QString> text = inspect::decodeUtf8(body);
    m_bodyIsText = text.has_value();
    if (m_bodyIsText) {
        m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
        m_raw->setPlainText(*text);
        m_rawInfo->setText(body.isEmpty() ? tr("The body is empty (0 bytes).")
                                          : tr("%1 bytes, UTF-8 text").arg(size));
        return;
    }
    QString dump = inspect::hexDump(body, MaxHexBytes);
    if (body.size() > MaxHexBytes)
        dump += tr("… %1 more bytes not shown here; Copy body takes all of them.")
                    .arg(QLocale().toString(qlonglong(body.size() - MaxHexBytes)));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setPlainText(dump);
    m_rawInfo->setText(tr("%1 bytes, not valid UTF-8 text: shown as a hex dump").arg(size));
}

void InspectorWidget::fillHeaders()
{
    const QList<QPair<QByteArray, QByteArray>> headers = m_detail.attempts.isEmpty()
        ? QList<QPair<QByteArray, QByteArray>>()
        : m_detail.attempts.first().headers;
    m_headers->setRowCount(int(headers.size()));
    for (int row = 0; row < headers.size(); ++row) {
        const auto &[name, value] = headers.at(row);
        m_headers->setItem(row, 0, cell(QString::fromLatin1(name)));
        m_headers->setItem(row, 1, cell(QString::fromUtf8(inspect::displayedHeaderValue(name, value))));
    }
    m_headersEmpty->setVisible(headers.isEmpty());
    m_headers->setVisible(!headers.isEmpty());
}

void InspectorWidget::fillAttempts()
{
    const QList<AttemptInfo> &attempts = m_detail.attempts;
    m_attempts->setRowCount(int(attempts.size()));
    for (int row = 0; row < attempts.size(); ++row) {
        const AttemptInfo &a = attempts.at(row);
        const bool hasTimestamp = a.timestampHeader > 0;
        m_attempts->setItem(row, Seq, cell(QString::number(a.seq)));
        m_attempts->setItem(row, Received, cell(inspect::localTimeUs(a.receivedUs)));
        m_attempts->setItem(row, Timestamp,
                            hasTimestamp ? cell(QDateTime::fromSecsSinceEpoch(a.timestampHeader)
                                                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                                tr("svix-timestamp: %1").arg(a.timestampHeader))
                                         : cell(QStringLiteral("—"), tr("No svix-timestamp was recorded")));
        m_attempts->setItem(
            row, Skew,
            cell(hasTimestamp ? inspect::skewText(a.receivedUs, a.timestampHeader) : QStringLiteral("—")));
        m_attempts->setItem(row, Remote, cell(a.remote));
        m_attempts->setItem(row, UserAgent, cell(a.userAgent));
        m_attempts->setItem(row, Secret, cell(inspect::secretLabel(a.secretIndex, m_hints)));
    }
    m_attempts->resizeColumnsToContents();
}

void InspectorWidget::fillVerification()
{
    m_verification->setText(inspect::verificationText(m_detail, m_hints));
}

void InspectorWidget::copyJsonValue(int role)
{
    const QModelIndex current = m_jsonTree->currentIndex();
    if (current.isValid())
        QGuiApplication::clipboard()->setText(current.data(role).toString());
}

void InspectorWidget::copyBody()
{
    if (!m_detail.found)
        return;
    auto *mime = new QMimeData;
    if (m_bodyIsText) {
        mime->setText(inspect::decodeUtf8(m_detail.body).value_or(QString()));
    } else {
        mime->setText(inspect::hexDump(m_detail.body));
        mime->setData(QStringLiteral("application/octet-stream"), m_detail.body);
    }
    QGuiApplication::clipboard()->setMimeData(mime);
}

} // namespace mm
