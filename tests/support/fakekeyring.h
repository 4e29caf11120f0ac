// SPDX-License-Identifier: GPL-3.0-or-later
// An in-memory keyring for tests of what keeps secrets (SecretKeeper and its users).
#pragma once

#include "settings/secretbackend.h"

#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mm {

// An in-memory keyring. Answers come from the event loop, or only when released (hold*).
class FakeKeyring final : public SecretBackend
{
public:
    struct Shelf
    {
        bool available = true;
        bool refuseWrites = false;
        bool holdReads = false;
        bool holdWrites = false;
        std::optional<QString> text; // what is stored; none: NotFound
        int writes = 0;
        std::vector<std::function<void()>> held;
        void release()
        {
            for (auto &answer : std::exchange(held, {}))
                answer();
        }
    };

    explicit FakeKeyring(std::shared_ptr<Shelf> shelf)
        : m_shelf(std::move(shelf))
    {
    }

    void read(Done done) override
    {
        answer(m_shelf->holdReads, [shelf = m_shelf, done] {
            if (!shelf->available)
                done({Status::Failed,
                      {},
                      QStringLiteral("The name org.freedesktop.secrets was not provided")});
            else if (!shelf->text)
                done({Status::NotFound, {}, {}});
            else
                done({Status::Ok, *shelf->text, {}});
        });
    }
    void write(const QString &text, Done done) override
    {
        answer(m_shelf->holdWrites, [shelf = m_shelf, text, done] {
            ++shelf->writes;
            if (!shelf->available || shelf->refuseWrites) {
                done({Status::Failed, {}, QStringLiteral("Cannot create an item in a locked collection")});
                return;
            }
            shelf->text = text;
            done({Status::Ok, {}, {}});
        });
    }

private:
    void answer(bool hold, std::function<void()> reply)
    {
        QPointer<FakeKeyring> self(this);
        auto guarded = [self, reply = std::move(reply)] {
            if (self)
                reply();
        };
        if (hold)
            m_shelf->held.push_back(guarded);
        else
            QTimer::singleShot(0, this, guarded);
    }
    std::shared_ptr<Shelf> m_shelf;
};

} // namespace mm
