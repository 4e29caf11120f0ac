// SPDX-License-Identifier: GPL-3.0-or-later
#include "rejectedview.h"

#include "model/rejectionsmodel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QStringDecoder>
#include <QTableView>
#include <QTextBrowser>

namespace mm {

namespace {
QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

// The body's head as text when it is UTF-8, else as hex, so nothing is hidden or mangled.
QString bodyHead(const QByteArray &head)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(head);
    if (!utf8.hasError())
        return text;
    QString hex;
    for (qsizetype i = 0; i < head.size(); i += 16) {
        hex += QStringLiteral("%1  ").arg(i, 6, 16, QLatin1Char('0'));
        hex += QString::fromLatin1(head.mid(i, 16).toHex(' ')) + u'\n';
    }
    return hex;
}
} // namespace

RejectedView::RejectedView(RejectionsModel *model, RejectionFilterProxy *proxy, QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
    , m_model(model)
    , m_proxy(proxy)
    , m_table(new QTableView(this))
    , m_detail(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("rejectedSplitter"));
    m_table->setObjectName(QStringLiteral("rejected"));
    m_table->setModel(proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RejectionsModel::Time, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_table->setColumnWidth(RejectionsModel::Time, 13 * em);
    m_table->setColumnWidth(RejectionsModel::Reason, 40 * em);
    m_detail->setOpenLinks(false);
    m_detail->setAccessibleName(tr("Rejected delivery details"));
    addWidget(m_table);
    addWidget(m_detail);
    setStretchFactor(0, 3);
    setStretchFactor(1, 2);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RejectedView::showCurrent);
    // The journal is re-read (a model reset) while rejections arrive: keep the one being read.
    connect(proxy, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
        m_keep = current.isValid() ? std::optional(
                     std::pair(m_model->at(current.row()).receivedUs, m_model->at(current.row()).msgId))
                                   : std::nullopt;
    });
    connect(proxy, &QAbstractItemModel::modelReset, this, &RejectedView::reselect);
    connect(proxy, &QAbstractItemModel::dataChanged, this, &RejectedView::showCurrent);
    showCurrent();
}

void RejectedView::reselect()
{
    if (m_keep) {
        for (int row = 0; row < m_model->rowCount(); ++row) {
            const RejectionRecord &r = m_model->at(row);
            if (r.receivedUs == m_keep->first && r.msgId == m_keep->second) {
                const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
                if (index.isValid())
                    m_table->setCurrentIndex(index);
                break;
            }
        }
        m_keep.reset();
    }
    showCurrent();
}

QString RejectedView::detailText() const
{
    return m_detail->toPlainText();
}

void RejectedView::showCurrent()
{
    const QModelIndex current = m_proxy->mapToSource(m_table->currentIndex());
    if (!current.isValid()) {
        m_detail->setHtml(m_model->rowCount() == 0
                              ? tr("<p>No rejected deliveries. Deliveries that fail verification are kept "
                                   "here (the last 10,000) with a diagnosis.</p>")
                              : tr("<p>Select a rejected delivery to see why it was refused.</p>"));
        return;
    }
    const RejectionRecord &r = m_model->at(current.row());
    const QString diagnosis = m_model->index(current.row(), RejectionsModel::Reason).data().toString();
    QString html = QStringLiteral("<h3>%1</h3>").arg(esc(diagnosis));
    html += tr("<p>Refused with %1 at %2 from %3. The sender was told: <i>%4</i></p>")
                .arg(r.status)
                .arg(QDateTime::fromMSecsSinceEpoch(r.receivedUs / 1000).toString(Qt::ISODateWithMs),
                     esc(r.remote), esc(r.reason));
    if (!r.msgId.isEmpty())
        html += tr("<p>Message id <code>%1</code></p>").arg(esc(QString::fromLatin1(r.msgId)));
    html += tr("<h4>Headers</h4><table cellspacing=0 cellpadding=2>");
    for (const auto &[name, value] : r.headers)
        html += QStringLiteral("<tr><td><code>%1</code></td><td><code>%2</code></td></tr>")
                    .arg(esc(QString::fromLatin1(name)), esc(QString::fromLatin1(value)));
    html += QStringLiteral("</table>");
    html += tr("<h4>Body (%Ln bytes, the first 4 KiB kept)</h4>", nullptr, int(r.bodySize));
    html += QStringLiteral("<pre>%1</pre>").arg(esc(bodyHead(r.bodyHead)));
    m_detail->setHtml(html);
}

} // namespace mm
