// SPDX-License-Identifier: GPL-3.0-or-later
// The line under the event log when a memory cap keeps older deliveries in the store only: how
// many there are, and a button that reads the next page of them back (MonitorModel::loadOlder).
// Hidden while everything stored is in memory.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace mm {

class MonitorModel;

class OlderDeliveriesBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OlderDeliveriesBar)

public:
    static constexpr int PageSize = 10000;

    explicit OlderDeliveriesBar(MonitorModel *model, QWidget *parent = nullptr);

    // The bar's sentence for these counts (pure, for tests): "" when nothing is left out.
    static QString sentence(qint64 inMemory, qint64 stored, qsizetype cap);
    // How many a click reads: PageSize, or a quarter of a smaller cap.
    static int pageSize(qsizetype cap);

private:
    void update(qint64 inMemory, qint64 stored);

    MonitorModel *m_model;
    QLabel *m_text;
    QPushButton *m_button;
};

} // namespace mm
