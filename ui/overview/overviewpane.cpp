// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewpane.h"

#include "board/statuscolor.h"
#include "overviewwidget.h"
#include "windowlayout.h"

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
    m_group->setObjectName(QStringLiteral("groupByCompany"));
    m_group->setProperty(RememberedSwitch, true); // kept with the window's layout between runs
    auto *fit = new QToolButton(this);
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show all migrations (0)"));
    // The colours' key, in the board's status colours.
    auto swatch = [](MigrationStatus status, const QString &text) {
        return QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;%2")
            .arg(statusColor(status).name(), text.toHtmlEscaped());
    };
    auto *legend
        = new QLabel(QStringList {swatch(MigrationStatus::NotStarted, tr("waiting")),
                                  swatch(MigrationStatus::Working, tr("working")),
                                  swatch(MigrationStatus::Complete, tr("complete")),
                                  swatch(MigrationStatus::CompletedWithFailures, tr("with failures")),
                                  swatch(MigrationStatus::Failed, tr("failed")),
                                  QStringLiteral("<span style=\"color:%1\"><b>|</b></span>&nbsp;%2")
                                      .arg(statusColor(MigrationStatus::Failed).name(),
                                           tr("task failure").toHtmlEscaped())}
                         .join(QStringLiteral(" &nbsp; ")),
                     this);
    legend->setTextFormat(Qt::RichText);
    auto *hint = new QLabel(tr("Wheel: zoom · drag: pan · Shift+wheel: scroll lanes · click: select"), this);
    hint->setForegroundRole(QPalette::PlaceholderText);
    // Neither line may make the tab (and so the lower pane) wider than the window leaves it:
    // beside the inspector they are clipped rather than pushing it out.
    legend->setMinimumWidth(1);
    hint->setMinimumWidth(1);
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_group);
    bar->addWidget(fit);
    bar->addSpacing(fontMetrics().horizontalAdvance(u'x') * 2);
    bar->addWidget(legend);
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
