// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog/olderdeliveriesbar.h"

#include "model/monitormodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <algorithm>

namespace mm {

OlderDeliveriesBar::OlderDeliveriesBar(MonitorModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_text(new QLabel(this))
    , m_button(new QPushButton(this))
{
    setObjectName(QStringLiteral("olderDeliveries"));
    m_button->setObjectName(QStringLiteral("loadOlder"));
    m_button->setToolTip(tr("Reads the next older deliveries back from the store into the event log. They "
                            "leave memory again as new deliveries push past the cap."));
    m_text->setWordWrap(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_button);
    hide();
    connect(m_button, &QPushButton::clicked, this, [this] {
        m_button->setEnabled(false);
        m_text->setText(tr("Reading older deliveries from the store…"));
        m_model->loadOlder(pageSize(m_model->memoryCap().rows()));
    });
    connect(model, &MonitorModel::memoryCounted, this, &OlderDeliveriesBar::update);
    connect(model, &MonitorModel::olderLoaded, this, [this](qint64 rows, const QString &error) {
        m_button->setEnabled(m_model->canLoadOlder());
        if (rows < 0)
            m_text->setText(tr("The store could not be read: %1").arg(error));
    });
}

int OlderDeliveriesBar::pageSize(qsizetype cap)
{
    // A page a quarter of the cap at most: room is made for it without evicting it at once.
    return cap > 0 ? int(std::clamp<qsizetype>(cap / 4, 1, PageSize)) : PageSize;
}

QString OlderDeliveriesBar::sentence(qint64 inMemory, qint64 stored, qsizetype cap)
{
    if (stored <= inMemory || cap <= 0)
        return {};
    return tr("%L1 of %L2 stored deliveries are in memory (the memory cap is %L3). Migrations keep their "
              "place on the board; their events are read back when you open them.")
        .arg(inMemory)
        .arg(stored)
        .arg(cap);
}

void OlderDeliveriesBar::update(qint64 inMemory, qint64 stored)
{
    const QString text = sentence(inMemory, stored, m_model->memoryCap().rows());
    setVisible(!text.isEmpty());
    m_text->setText(text);
    m_button->setText(tr("Load %L1 older").arg(pageSize(m_model->memoryCap().rows())));
    m_button->setEnabled(m_model->canLoadOlder());
}

} // namespace mm
