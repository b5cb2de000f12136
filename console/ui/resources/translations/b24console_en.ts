<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BindDialog</name>
    <message numerus="yes">
        <source>%n found. Enter or double-click picks one.</source>
        <translation>
            <numerusform>%n found. Enter or double-click picks one.</numerusform>
            <numerusform>%n found. Enter or double-click picks one.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BindingsPage</name>
    <message numerus="yes">
        <source>Order {id} is bound to %n deal(s) or invoice(s).</source>
        <translation>
            <numerusform>Order {id} is bound to %n deal or invoice.</numerusform>
            <numerusform>Order {id} is bound to %n deals or invoices.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) bound to deal {id}.</source>
        <translation>
            <numerusform>%n order bound to deal {id}.</numerusform>
            <numerusform>%n orders bound to deal {id}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message numerus="yes">
        <source>%n profile(s). The default is used when a command names none.</source>
        <translation>
            <numerusform>%n profile. The default is used when a command names none.</numerusform>
            <numerusform>%n profiles. The default is used when a command names none.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConsoleStatusBar</name>
    <message numerus="yes">
        <source>%n change(s) found</source>
        <translation>
            <numerusform>%n change found</numerusform>
            <numerusform>%n changes found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n portal(s) unreachable</source>
        <translation>
            <numerusform>%n portal unreachable</numerusform>
            <numerusform>%n portals unreachable</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message numerus="yes">
        <source>%n more errors happened after this one; the log file has each of them.</source>
        <translation>
            <numerusform>%n more error happened after this one; the log file has each of them.</numerusform>
            <numerusform>%n more errors happened after this one; the log file has each of them.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiffDialog</name>
    <message numerus="yes">
        <source>The payloads are the same (%n keys).</source>
        <translation>
            <numerusform>The payloads are the same (%n key).</numerusform>
            <numerusform>The payloads are the same (%n keys).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <source>Writing %1: %2 of %Ln events</source>
        <translation>
            <numerusform>Writing %1: %2 of %Ln event</numerusform>
            <numerusform>Writing %1: %2 of %Ln events</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FeedTableView</name>
    <message numerus="yes">
        <source>↑ %Ln new events</source>
        <translation>
            <numerusform>↑ %Ln new event</numerusform>
            <numerusform>↑ %Ln new events</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Paused — %n new</source>
        <translation>
            <numerusform>Paused — %n new</numerusform>
            <numerusform>Paused — %n new</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln events to %1</source>
        <translation>
            <numerusform>Exported %Ln event to %1</numerusform>
            <numerusform>Exported %Ln events to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueryBar</name>
    <message numerus="yes">
        <source>%1 (and %n more)</source>
        <translation>
            <numerusform>%1 (and %n more)</numerusform>
            <numerusform>%1 (and %n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusesPage</name>
    <message numerus="yes">
        <source>%n statuses. Enter or double-click edits; Delete removes.</source>
        <translation>
            <numerusform>%n status. Enter or double-click edits; Delete removes.</numerusform>
            <numerusform>%n statuses. Enter or double-click edits; Delete removes.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeamStatus</name>
    <message numerus="yes">
        <source>%n other(s) connected</source>
        <translation>
            <numerusform>%n other connected</numerusform>
            <numerusform>%n others connected</numerusform>
        </translation>
    </message>
</context>
</TS>
