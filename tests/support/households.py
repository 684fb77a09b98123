"""A township's households held on the phone as a pull would leave them, without a server:
what the P11 bench measures at 2,500 and the household tests order and search."""

# Stores, through the app's own pull, a household round (open, its period around today, so
# it is the current round), its rubric (the township's rubric under another version, with
# subject "household") and `per_group` households in each group the phone holds; the
# phone's cursor stays as it was. Answers {round_id, groups: [group ids], households: n}.
HOLD_HOUSEHOLDS = """async ({ perGroup, roundId, rubricVersion, heads }) => {
    const { applyPullPage } = await import('/app/pull.js');
    const { getMeta } = await import('/app/session.js');
    const { refList } = await import('/app/reference.js');
    const groups = (await refList('group')).map((g) => g.id).sort((a, b) => a - b);
    const [rubric] = (await refList('rubric')).sort((a, b) => b.version - a.version);
    const changes = [
        { type: 'rubric', id: String(rubricVersion), op: 'put', version: 1,
          data: { ...rubric, version: rubricVersion, subject: 'household' } },
        { type: 'round', id: String(roundId), op: 'put', version: 1,
          data: { id: roundId, name: '农户检查', name_en: 'Household check', starts_on: '2000-01-01',
                  ends_on: '2099-12-31', state: 'open', rubric_version: rubricVersion,
                  red_size: null, black_size: null, subject: 'household' } },
    ];
    let id = 700000;
    for (const groupId of groups) {
        for (let n = 1; n <= perGroup; n++) {
            id += 1;
            // 户号 as typed in the villages: plain numbers, some split ("12-1"), some padded
            const number = n % 10 === 3 ? `${n - 1}-1` : n < 10 && n % 2 ? `0${n}` : String(n);
            changes.push({ type: 'household', id: String(id), op: 'put', version: 1,
                data: { id, group_id: groupId, number, head: heads[id % heads.length] + String(n),
                        members: 1 + (n % 6), active: true, balance: 0 } });
        }
    }
    const cursor = await getMeta('cursor');
    for (let i = 0; i < changes.length; i += 500) {
        await applyPullPage({ changes: changes.slice(i, i + 500), cursor });
    }
    return { round_id: roundId, groups, households: changes.length - 2 };
}"""

HEADS = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "岩", "玉", "周", "吴"]


def hold_households(page, per_group: int, round_id: int = 900001, rubric_version: int = 900) -> dict:
    return page.evaluate(HOLD_HOUSEHOLDS, {"perGroup": per_group, "roundId": round_id,
                                           "rubricVersion": rubric_version, "heads": HEADS})


# households the phone holds, counted through the app's index (one group at a time)
HELD_HOUSEHOLDS = """async () => {
    const { refList } = await import('/app/reference.js');
    const { householdList } = await import('/app/households.js');
    let n = 0;
    for (const g of await refList('group')) n += (await householdList(g.id)).households.length;
    return n;
}"""


def held_households(page) -> int:
    return page.evaluate(HELD_HOUSEHOLDS)
