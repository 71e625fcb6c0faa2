<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AudiencePage</name>
    <message numerus="yes">
        <source>%n opted out</source>
        <translation>
            <numerusform>%n opted out</numerusform>
            <numerusform>%n opted out</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n without consent or address</source>
        <translation>
            <numerusform>%n without consent or address</numerusform>
            <numerusform>%n without consent or address</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n contacted recently</source>
        <translation>
            <numerusform>%n contacted recently</numerusform>
            <numerusform>%n contacted recently</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n patient</numerusform>
            <numerusform>%n patients</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CallListScreen</name>
    <message numerus="yes">
        <source>%n family(s)</source>
        <translation>
            <numerusform>%n family</numerusform>
            <numerusform>%n families</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n call(s): {outcome}</source>
        <translation>
            <numerusform>%n call: {outcome}</numerusform>
            <numerusform>%n calls: {outcome}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DaySummaryBar</name>
    <message numerus="yes">
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n visit</numerusform>
            <numerusform>%n visits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unconfirmed</source>
        <translation>
            <numerusform>%n unconfirmed</numerusform>
            <numerusform>%n unconfirmed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n opening(s) on offer</source>
        <translation>
            <numerusform>%n opening on offer</numerusform>
            <numerusform>%n openings on offer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cancelled</source>
        <translation>
            <numerusform>%n cancelled</numerusform>
            <numerusform>%n cancelled</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n no-show(s)</source>
        <translation>
            <numerusform>%n no-show</numerusform>
            <numerusform>%n no-shows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxScreen</name>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segment</numerusform>
            <numerusform>%n segments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) marked read</source>
        <translation>
            <numerusform>%n reply marked read</numerusform>
            <numerusform>%n replies marked read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OutboxScreen</name>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n appointment(s)</source>
        <translation>
            <numerusform>%n appointment</numerusform>
            <numerusform>%n appointments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent %n page(s) to {where}</source>
        <translation>
            <numerusform>Sent %n page to {where}</numerusform>
            <numerusform>Sent %n pages to {where}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecurrenceDialog</name>
    <message numerus="yes">
        <source>day(s)</source>
        <translation>
            <numerusform>day</numerusform>
            <numerusform>days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>week(s)</source>
        <translation>
            <numerusform>week</numerusform>
            <numerusform>weeks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>month(s)</source>
        <translation>
            <numerusform>month</numerusform>
            <numerusform>months</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>time(s)</source>
        <translation>
            <numerusform>time</numerusform>
            <numerusform>times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n date(s)</source>
        <translation>
            <numerusform>%n date</numerusform>
            <numerusform>%n dates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with conflicts</source>
        <translation>
            <numerusform>%n with conflicts</numerusform>
            <numerusform>%n with conflicts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to book</source>
        <translation>
            <numerusform>%n to book</numerusform>
            <numerusform>%n to book</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped</source>
        <translation>
            <numerusform>%n skipped</numerusform>
            <numerusform>%n skipped</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n conflicting date(s) set to book will be refused</source>
        <translation>
            <numerusform> · %n conflicting date set to book will be refused</numerusform>
            <numerusform> · %n conflicting dates set to book will be refused</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SchedulesScreen</name>
    <message numerus="yes">
        <source>%n booked appointment(s) would fall outside the new hours. They stay booked: saving never moves or deletes an appointment.</source>
        <translation>
            <numerusform>%n booked appointment would fall outside the new hours. It stays booked: saving never moves or deletes an appointment.</numerusform>
            <numerusform>%n booked appointments would fall outside the new hours. They stay booked: saving never moves or deletes an appointment.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n time-off event(s), </source>
        <translation>
            <numerusform>Imported %n time-off event, </numerusform>
            <numerusform>Imported %n time-off events, </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SegmentWords</name>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n character</numerusform>
            <numerusform>%n characters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segment</numerusform>
            <numerusform>%n segments</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SequenceEditor</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SeriesDialog</name>
    <message numerus="yes">
        <source>%n occurrence(s) change</source>
        <translation>
            <numerusform>%n occurrence changes</numerusform>
            <numerusform>%n occurrences change</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s) booked</source>
        <translation>
            <numerusform>%n occurrence booked</numerusform>
            <numerusform>%n occurrences booked</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s) cancelled</source>
        <translation>
            <numerusform>%n occurrence cancelled</numerusform>
            <numerusform>%n occurrences cancelled</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Cancelled %n appointment(s).</source>
        <translation>
            <numerusform>Cancelled %n appointment.</numerusform>
            <numerusform>Cancelled %n appointments.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StepsModel</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TemplatesScreen</name>
    <message numerus="yes">
        <source>%n chair(s)</source>
        <translation>
            <numerusform>%n chair</numerusform>
            <numerusform>%n chairs</numerusform>
        </translation>
    </message>
</context>
</TS>
