// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewpane.h"

#include "overviewwidget.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace mm {

OverviewPane::OverviewPane(MigrationFilterProxy *filtered, QWidget *parent)
    : QWidget(parent)
    , m_view(new OverviewWidget(filtered, this))
    , m_group(new QCheckBox(tr("&Group by company"), this))
{
    auto *fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show all migrations (0)"));
    auto *hint = new QLabel(tr("Wheel: zoom · drag: pan · Shift+wheel: scroll lanes · click: select"), this);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_group);
    bar->addWidget(fit);
    bar->addStretch(1);
    bar->addWidget(hint);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    connect(m_group, &QCheckBox::toggled, m_view, &OverviewWidget::setGrouped);
    connect(m_view, &OverviewWidget::groupedChanged, m_group, &QCheckBox::setChecked);
    connect(fit, &QToolButton::clicked, m_view, &OverviewWidget::fit);
}

} // namespace mm
