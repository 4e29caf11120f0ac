// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventlog/olderdeliveriesbar.h"

#include "model/monitormodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace mm {

OlderDeliveriesBar::OlderDeliveriesBar(MonitorModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_text(new QLabel(this))
    , m_button(new QPushButton(tr("Load %L1 older").arg(PageSize), this))
{
    setObjectName(QStringLiteral("olderDeliveries"));
    m_button->setObjectName(QStringLiteral("loadOlder"));
    m_button->setToolTip(tr("Reads the next %L1 older deliveries back from the store into the event log. "
                            "They leave memory again as new deliveries push past the cap.")
                             .arg(PageSize));
    m_text->setWordWrap(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_button);
    hide();
    connect(m_button, &QPushButton::clicked, this, [this] {
        m_button->setEnabled(false);
        m_text->setText(tr("Reading older deliveries from the store…"));
        m_model->loadOlder(PageSize);
    });
    connect(model, &MonitorModel::memoryCounted, this, &OlderDeliveriesBar::update);
    connect(model, &MonitorModel::olderLoaded, this, [this](qint64 rows, const QString &error) {
        m_button->setEnabled(m_model->canLoadOlder());
        if (rows < 0)
            m_text->setText(tr("The store could not be read: %1").arg(error));
    });
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
    m_button->setEnabled(m_model->canLoadOlder());
}

} // namespace mm
