// SPDX-License-Identifier: GPL-3.0-or-later
// Deliveries per minute over the last half hour as a tiny line for the status bar, newest
// on the right; the tooltip gives the current rate and the peak.
#pragma once

#include <QList>
#include <QWidget>

namespace mm {

class Sparkline final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Sparkline)

public:
    explicit Sparkline(QWidget *parent = nullptr);

    // Counts per minute, oldest first; the last is the current minute's.
    void setValues(const QList<int> &values);
    const QList<int> &values() const { return m_values; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QRectF plotRect() const;

    QList<int> m_values;
};

} // namespace mm
