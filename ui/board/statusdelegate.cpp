// SPDX-License-Identifier: GPL-3.0-or-later
#include "statusdelegate.h"

#include "model/migrationstatus.h"
#include "model/modelroles.h"
#include "statuscolor.h"

#include <QApplication>
#include <QPainter>

namespace mm {

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    // Background and selection only; the badge replaces the text.
    const QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const auto status = MigrationStatus(index.data(StatusRole).toInt());
    const QColor color = statusColor(status);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRect r = opt.rect.adjusted(4, 3, -4, -3);
    const int width = std::min(r.width(), opt.fontMetrics.horizontalAdvance(text) + 16);
    const QRect badge(r.left(), r.top(), width, r.height());
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(badge, badge.height() / 2.0, badge.height() / 2.0);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace mm
