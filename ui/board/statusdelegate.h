// SPDX-License-Identifier: GPL-3.0-or-later
// Paints a migration's status as a coloured badge (the colour comes from the status,
// never from the text, so translations and themes do not change it).
#pragma once

#include <QStyledItemDelegate>

namespace mm {

class StatusDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusDelegate)

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace mm
