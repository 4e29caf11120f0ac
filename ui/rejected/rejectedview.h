// SPDX-License-Identifier: GPL-3.0-or-later
// The rejected deliveries: the journal as a sortable table, and for the selected one the
// diagnosis, what the sender was told, its headers (signatures masked) and its body's head.
#pragma once

#include <QSplitter>
#include <optional>
#include <utility>

class QTableView;
class QTextBrowser;

namespace mm {

class RejectionsModel;
class RejectionFilterProxy;

class RejectedView final : public QSplitter
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RejectedView)

public:
    RejectedView(RejectionsModel *model, RejectionFilterProxy *proxy, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    // The detail text shown now (for tests and for copying).
    QString detailText() const;

private:
    void showCurrent();
    void reselect();

    RejectionsModel *m_model;
    RejectionFilterProxy *m_proxy;
    QTableView *m_table;
    QTextBrowser *m_detail;
    std::optional<std::pair<qint64, QByteArray>> m_keep; // (received, msg id) across a reset
};

} // namespace mm
