// SPDX-License-Identifier: GPL-3.0-or-later
#include "forwardingview.h"

#include "eventlog/followview.h"
#include "model/forwardlogmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace mm {

ForwardingView::ForwardingView(QWidget *parent)
    : QWidget(parent)
    , m_state(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry &now"), this))
    , m_table(new FollowView(this))
{
    setObjectName(QStringLiteral("forwarding"));
    m_state->setObjectName(QStringLiteral("forwardState"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::RichText);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_state, &QLabel::linkActivated, this, &ForwardingView::settingsRequested);
    m_counts->setObjectName(QStringLiteral("forwardCounts"));
    m_problem->setObjectName(QStringLiteral("forwardProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("background:#f8d7da; color:#842029; padding:4px;"));
    m_problem->hide();
    m_retry->setObjectName(QStringLiteral("retryNow"));
    m_retry->setToolTip(tr("Tries every pending delivery now instead of waiting for its next try"));
    connect(m_retry, &QPushButton::clicked, this, &ForwardingView::retryRequested);

    m_table->setObjectName(QStringLiteral("forwardLog"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_state, 1);
    bar->addWidget(m_counts);
    bar->addWidget(m_retry);
    auto *layout = new QVBoxLayout(this);
    const int m = fontMetrics().height() / 3;
    layout->setContentsMargins(m, m, m, m);
    layout->addLayout(bar);
    layout->addWidget(m_problem);
    layout->addWidget(m_table, 1);
    setState(QString());
}

void ForwardingView::setModel(ForwardLogModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_table->setModel(model);
    if (model) {
        const int ch = m_table->fontMetrics().horizontalAdvance(u'0');
        // Narrow enough that the last try's error stays in view on a laptop screen.
        m_table->setColumnWidth(ForwardLogModel::Time, 19 * ch);
        m_table->setColumnWidth(ForwardLogModel::MessageId, 31 * ch);
        m_table->setColumnWidth(ForwardLogModel::Type, 20 * ch);
        m_table->setColumnWidth(ForwardLogModel::Migration, 24 * ch);
        m_table->setColumnWidth(ForwardLogModel::Target, 20 * ch);
        m_table->setColumnWidth(ForwardLogModel::State, 9 * ch);
        m_table->setColumnWidth(ForwardLogModel::Tries, 5 * ch);
        m_table->setColumnWidth(ForwardLogModel::LastStatus, 9 * ch);
        connect(model, &ForwardLogModel::countsChanged, this, &ForwardingView::updateCounts);
        connect(model, &QAbstractItemModel::modelReset, this, &ForwardingView::updateCounts);
    }
    updateCounts();
}

void ForwardingView::setState(const QString &description)
{
    m_on = !description.isEmpty();
    m_state->setText(
        m_on ? description.toHtmlEscaped()
             : tr("Forwarding is off. Turn it on in <a href=\"settings\">Settings → Forwarding</a> "
                  "or start with <tt>--forward-to URL</tt>: every new delivery is then sent on "
                  "once it is stored."));
    updateCounts();
}

void ForwardingView::setProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

QString ForwardingView::stateText() const
{
    return m_state->text();
}

QString ForwardingView::countsText() const
{
    return m_counts->text();
}

void ForwardingView::updateCounts()
{
    const int pending = m_model ? m_model->pendingCount() : 0;
    const int failing = m_model ? m_model->failingCount() : 0;
    const int failed = m_model ? m_model->failedCount() : 0;
    const QLocale locale;
    m_counts->setText(tr("%1 pending (%2 failing) · %3 failed")
                          .arg(locale.toString(pending), locale.toString(failing), locale.toString(failed)));
    m_counts->setStyleSheet(failed > 0 || failing > 0 ? QStringLiteral("color:#842029;") : QString());
    m_retry->setEnabled(m_on && pending > 0);
}

} // namespace mm
