"""Waitlist opening offers: detect openings, match entries, offer with a hold, escalate, book.

Everything durable is a row with a due time. An ``Opening`` is written in the same
transaction as its cause (``after_appointment_change``, called from the booking seam) or
by staff (``announce_opening``). ``process_waitlist`` (the automation tick) then:

1. catches up the hold of each offer whose message the dispatcher has actually sent
   (``hold_started_at = OutboxMessage.sent_at``). The hold normally starts in the very
   transaction that records the send (``message_effects.after_sent`` →
   ``start_holds_of_sent``), so the link and a YES work at once; a reply or a link click
   also catches it up. A message deferred by quiet hours starts its hold later, never at
   queue time; one deferred by the number's budget is replaced (email, or the next in line);
2. expires holds that have passed (also those that passed while the app was down) and
   re-opens their opening, so the next match is offered;
3. expires openings too close to their start (default 30 min);
4. offers every open opening that is due to the best match (or the top N in broadcast
   mode), never offering one patient two slots at once.

Each step changes rows only when their state says it is due, so running a tick twice,
or after a crash, escalates once. Rules: hold 2 h and at most 3 offers per
entry by default (Settings: ``waitlist_hold_minutes``, ``waitlist_max_offers``; both told in
the offer), no message in quiet hours (patient's zone, the clinic's policy, follow-ups too),
SMS only with opt-in and within the number's budget (else email, else a phone task for
staff; a number out of texts with no email lets the next in line have the opening), the
booking link works only during the hold, the entry is NOTIFIED during the hold.

Each name is imported from the module that owns it (``entries``, ``offers``, ``tick``, …): the
package imports nothing, so ``appointment_effects`` (run by booking) imports ``openings``, which
never reaches booking, while ``responses`` (accepting an offer books it) loads only when used.
"""
