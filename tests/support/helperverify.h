// SPDX-License-Identifier: GPL-3.0-or-later
// QVERIFY, QVERIFY2 and QCOMPARE for test helpers that return bool. QVERIFY returns from the
// function it is in, so in a helper it ends only the helper and the test goes on. These report
// a failure the same way, then make the helper return false; the caller stops on it with
// QVERIFY(helper(...)). Helpers that use them are [[nodiscard]].
#pragma once

#include <QTest>

#define MM_HELPER_VERIFY(statement)                                                                          \
    do {                                                                                                     \
        if (!QTest::qVerify(static_cast<bool>(statement), #statement, "", __FILE__, __LINE__))               \
            return false;                                                                                    \
    } while (false)

#define MM_HELPER_VERIFY2(statement, description)                                                            \
    do {                                                                                                     \
        if (!QTest::qVerify(static_cast<bool>(statement), #statement,                                        \
                            static_cast<const char *>(description), __FILE__, __LINE__))                     \
            return false;                                                                                    \
    } while (false)

#define MM_HELPER_COMPARE(actual, expected)                                                                  \
    do {                                                                                                     \
        if (!QTest::qCompare(actual, expected, #actual, #expected, __FILE__, __LINE__))                      \
            return false;                                                                                    \
    } while (false)
