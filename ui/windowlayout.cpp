// SPDX-License-Identifier: GPL-3.0-or-later
#include "windowlayout.h"

#include <QCheckBox>
#include <QDataStream>
#include <QHeaderView>
#include <QIODevice>
#include <QMainWindow>
#include <QMap>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>

namespace mm {

namespace {
constexpr quint32 Magic = 0x4d4d4c31; // "MML1"

template<typename Widget> QMap<QString, Widget *> named(const QMainWindow *window)
{
    QMap<QString, Widget *> out;
    for (Widget *w : window->findChildren<Widget *>()) {
        if (!w->objectName().isEmpty())
            out.insert(w->objectName(), w);
    }
    return out;
}
} // namespace

QByteArray saveWindowLayout(const QMainWindow *window, int version)
{
    QMap<QString, QByteArray> splitters;
    for (const auto &[name, splitter] : named<QSplitter>(window).asKeyValueRange())
        splitters.insert(name, splitter->saveState());
    QMap<QString, QByteArray> headers;
    for (const auto &[name, table] : named<QTableView>(window).asKeyValueRange())
        headers.insert(name, table->horizontalHeader()->saveState());
    QMap<QString, qint32> tabs;
    QMap<QString, QString> tabPages; // the current page by name: a tab added later moves no one
    for (const auto &[name, tabWidget] : named<QTabWidget>(window).asKeyValueRange()) {
        tabs.insert(name, tabWidget->currentIndex());
        if (const QWidget *page = tabWidget->currentWidget(); page && !page->objectName().isEmpty())
            tabPages.insert(name, page->objectName());
    }

    QMap<QString, bool> switches; // check boxes marked RememberedSwitch (the Overview's grouping)
    for (const auto &[name, box] : named<QCheckBox>(window).asKeyValueRange()) {
        if (box->property(RememberedSwitch).toBool())
            switches.insert(name, box->isChecked());
    }

    QByteArray out;
    QDataStream stream(&out, QIODevice::WriteOnly);
    stream.setVersion(QDataStream::Qt_6_4);
    stream << Magic << qint32(version) << window->saveState(version) << splitters << headers << tabs
           << tabPages << switches;
    return out;
}

bool restoreWindowLayout(QMainWindow *window, const QByteArray &layout, int version)
{
    QDataStream stream(layout);
    stream.setVersion(QDataStream::Qt_6_4);
    quint32 magic = 0;
    qint32 savedVersion = 0;
    QByteArray mainState;
    QMap<QString, QByteArray> splitters;
    QMap<QString, QByteArray> headers;
    QMap<QString, qint32> tabs;
    QMap<QString, QString> tabPages;
    QMap<QString, bool> switches;
    stream >> magic >> savedVersion >> mainState >> splitters >> headers >> tabs;
    if (!stream.atEnd()) // saved before pages were named: by index only
        stream >> tabPages;
    if (!stream.atEnd()) // saved before switches were remembered
        stream >> switches;
    if (stream.status() != QDataStream::Ok || magic != Magic || savedVersion != version)
        return false;
    window->restoreState(mainState, version);
    const auto namedSplitters = named<QSplitter>(window);
    for (const auto &[name, state] : splitters.asKeyValueRange()) {
        if (QSplitter *s = namedSplitters.value(name))
            s->restoreState(state);
    }
    const auto namedTables = named<QTableView>(window);
    for (const auto &[name, state] : headers.asKeyValueRange()) {
        if (QTableView *t = namedTables.value(name))
            t->horizontalHeader()->restoreState(state);
    }
    const auto namedTabs = named<QTabWidget>(window);
    for (const auto &[name, index] : tabs.asKeyValueRange()) {
        QTabWidget *t = namedTabs.value(name);
        if (!t)
            continue;
        int byName = -1;
        for (int i = 0; i < t->count() && tabPages.contains(name); ++i) {
            if (t->widget(i)->objectName() == tabPages.value(name))
                byName = i;
        }
        if (byName >= 0)
            t->setCurrentIndex(byName);
        else if (index >= 0 && index < t->count())
            t->setCurrentIndex(index);
    }
    const auto namedSwitches = named<QCheckBox>(window);
    for (const auto &[name, checked] : switches.asKeyValueRange()) {
        if (QCheckBox *box = namedSwitches.value(name); box && box->property(RememberedSwitch).toBool())
            box->setChecked(checked);
    }
    return true;
}

void bringToFront(QWidget *window)
{
    if (window->isMinimized())
        window->showNormal();
    else
        window->show();
    window->raise();
    window->activateWindow();
}

} // namespace mm
