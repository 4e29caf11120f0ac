// SPDX-License-Identifier: GPL-3.0-or-later
#include "replayresultsview.h"

#include "model/modelroles.h"
#include "model/replayresultsmodel.h"
#include "replaytext.h"

#include <QBrush>
#include <QColor>
#include <QFontDatabase>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace mm {

namespace {
// Sorts by SortRole and colours the Status column: green for a 2xx, red for a failure. Both
// shades read on light and dark palettes; cancelled rows keep the normal colour.
class StatusColours final : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role != Qt::ForegroundRole || index.column() != ReplayResultsModel::Status)
            return QSortFilterProxyModel::data(index, role);
        const auto *source = static_cast<const ReplayResultsModel *>(sourceModel());
        const ReplayResult &r = source->result(mapToSource(index).row());
        if (r.cancelled)
            return {};
        return QBrush(r.ok() ? QColor(0x19, 0x87, 0x54) : QColor(0xdc, 0x35, 0x45));
    }
};
} // namespace

ReplayResultsView::ReplayResultsView(ReplayResultsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_sorted(new StatusColours(this))
    , m_table(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
{
    m_sorted->setSourceModel(model);
    m_sorted->setSortRole(SortRole);
    m_table->setObjectName(QStringLiteral("results"));
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // arrival order until a header is clicked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    const int ch = m_table->fontMetrics().horizontalAdvance(u'0');
    m_table->setColumnWidth(ReplayResultsModel::Status, 9 * ch);
    m_table->setColumnWidth(ReplayResultsModel::Latency, 9 * ch);
    m_table->setColumnWidth(ReplayResultsModel::MessageIds, 27 * ch);
    m_table->setColumnWidth(ReplayResultsModel::Type, 20 * ch);
    m_table->setColumnWidth(ReplayResultsModel::Migration, 28 * ch);
    m_table->setColumnWidth(ReplayResultsModel::Tries, 5 * ch);

    m_details->setObjectName(QStringLiteral("responseDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setPlaceholderText(tr("Select a request to see its answer (the first 4 KiB of the body)."));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReplayResultsView::showCurrent);
    connect(model, &QAbstractItemModel::modelReset, this, &ReplayResultsView::showCurrent);
}

QString ReplayResultsView::detailsText() const
{
    return m_details->toPlainText();
}

void ReplayResultsView::selectSourceRow(int row)
{
    const QModelIndex index = m_sorted->mapFromSource(m_model->index(row, 0));
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

void ReplayResultsView::showCurrent()
{
    const QModelIndex current = m_sorted->mapToSource(m_table->currentIndex());
    if (!current.isValid() || current.row() >= m_model->rowCount()) {
        m_details->clear();
        return;
    }
    m_details->setPlainText(replaytext::resultDetails(m_model->result(current.row())));
}

} // namespace mm
