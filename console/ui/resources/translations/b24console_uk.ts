<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>not usable: %1</source>
        <translation>не працює: %1</translation>
    </message>
    <message>
        <source>About b24-console</source>
        <translation>Про b24-console</translation>
    </message>
    <message>
        <source>The operator console for Bitrix24 online-store back offices that take orders from Horoshop.</source>
        <translation>Консоль оператора для бек-офісу інтернет-магазинів на Bitrix24, що приймають замовлення з Horoshop.</translation>
    </message>
    <message>
        <source>Qt %1 (PySide6 %2)</source>
        <translation>Qt %1 (PySide6 %2)</translation>
    </message>
    <message>
        <source>checking…</source>
        <translation>перевірка…</translation>
    </message>
    <message>
        <source>Qt:</source>
        <translation>Qt:</translation>
    </message>
    <message>
        <source>Python:</source>
        <translation>Python:</translation>
    </message>
    <message>
        <source>Keyring:</source>
        <translation>Сховище паролів:</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>Тека даних:</translation>
    </message>
    <message>
        <source>Settings folder:</source>
        <translation>Тека налаштувань:</translation>
    </message>
    <message>
        <source>Log folder:</source>
        <translation>Тека журналу:</translation>
    </message>
    <message>
        <source>Open in the file manager</source>
        <translation>Відкрити у файловому менеджері</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>the data folder</source>
        <translation>теку даних</translation>
    </message>
    <message>
        <source>The system keyring is locked or missing, so the portal credentials cannot be read. Unlock it (or install and start a Secret Service keyring such as gnome-keyring), then restart b24-console.</source>
        <translation>Системне сховище паролів заблоковане або відсутнє, тому облікові дані порталу не вдається прочитати. Розблокуйте його (або встановіть і запустіть сховище Secret Service, наприклад gnome-keyring) і перезапустіть b24-console.</translation>
    </message>
    <message>
        <source>The event store %1 was written by a newer b24-console. Update this one, or start it with --data-dir DIR for a separate store.</source>
        <translation>Сховище подій %1 записане новішою версією b24-console. Оновіть цю версію або запустіть її з --data-dir DIR, щоб мати окреме сховище.</translation>
    </message>
    <message>
        <source>Cannot open the event store %1: %2. Check that the disk has free space and the folder is writable, or start with --data-dir DIR.</source>
        <translation>Не вдається відкрити сховище подій %1: %2. Перевірте, що на диску є вільне місце і в теку можна писати, або запустіть з --data-dir DIR.</translation>
    </message>
    <message>
        <source>The console could not start: %1</source>
        <translation>Консоль не змогла запуститися: %1</translation>
    </message>
    <message>
        <source>%1. Type the password in the dialog this window opens (it is saved in the keyring), or run &quot;b24-console store password %2&quot; in a terminal and restart b24-console.</source>
        <translation>%1. Введіть пароль у діалозі, який відкриє це вікно (його буде збережено у сховищі ключів), або виконайте «b24-console store password %2» у терміналі та перезапустіть b24-console.</translation>
    </message>
    <message>
        <source>%1. Check the network and that the database server runs; b24-console must be restarted once it is back (%2).</source>
        <translation>%1. Перевірте мережу і чи працює сервер бази даних; коли він знову доступний, перезапустіть b24-console (%2).</translation>
    </message>
    <message>
        <source>%1. Whoever runs the team database creates it with &quot;b24-console store init %2&quot;.</source>
        <translation>%1. Той, хто обслуговує базу даних команди, створює її командою «b24-console store init %2».</translation>
    </message>
    <message>
        <source>%1. Whoever runs the team database upgrades it with &quot;b24-console store migrate %2&quot;.</source>
        <translation>%1. Той, хто обслуговує базу даних команди, оновлює її командою «b24-console store migrate %2».</translation>
    </message>
    <message>
        <source>%1 (%2).</source>
        <translation>%1 (%2).</translation>
    </message>
    <message>
        <source>b24-console is already open on this event store. Switch to its window (it may be minimised, or in the system tray); one store is shown by one window at a time.</source>
        <translation>b24-console уже відкрито з цим сховищем подій. Перейдіть до його вікна (воно може бути згорнуте або в системному лотку); одне сховище показує лише одне вікно водночас.</translation>
    </message>
    <message>
        <source>b24-console is already open on this event store (process %1). Switch to its window (it may be minimised, or in the system tray); one store is shown by one window at a time.</source>
        <translation>b24-console уже відкрито з цим сховищем подій (процес %1). Перейдіть до його вікна (воно може бути згорнуте або в системному лотку); одне сховище показує лише одне вікно водночас.</translation>
    </message>
    <message>
        <source>To open a separate store from a terminal, start it with --data-dir DIR.</source>
        <translation>Щоб відкрити окреме сховище, запустіть консоль з термінала з --data-dir DIR.</translation>
    </message>
    <message>
        <source>b24-console</source>
        <translation>b24-console</translation>
    </message>
    <message>
        <source>The settings file could not be read (%1); defaults are used until it is fixed.</source>
        <translation>Не вдалося прочитати файл налаштувань (%1); доки його не виправлено, діють типові значення.</translation>
    </message>
    <message>
        <source>%1; the local event store is used until it is fixed.</source>
        <translation>%1; доки це не виправлено, використовується локальне сховище подій.</translation>
    </message>
</context>
<context>
    <name>BasketTableModel</name>
    <message>
        <source>Item</source>
        <translation>Товар</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Артикул</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>К-сть</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Ціна</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Сума</translation>
    </message>
</context>
<context>
    <name>BindDialog</name>
    <message>
        <source>This order is already bound to that deal or invoice.</source>
        <translation>Це замовлення вже прив’язане до цієї угоди чи рахунку.</translation>
    </message>
    <message>
        <source>Not found on the portal: {reason}</source>
        <translation>Не знайдено на порталі: {reason}</translation>
    </message>
    <message>
        <source>Access denied: the webhook&apos;s user may not bind orders here ({reason}).</source>
        <translation>Доступ заборонено: користувач вебхука не може тут прив’язувати замовлення ({reason}).</translation>
    </message>
    <message>
        <source>Bind order to a deal or invoice</source>
        <translation>Прив’язати замовлення до угоди чи рахунку</translation>
    </message>
    <message>
        <source>Smart invoice (31)</source>
        <translation>Смарт-рахунок (31)</translation>
    </message>
    <message>
        <source>Deal (2)</source>
        <translation>Угода (2)</translation>
    </message>
    <message>
        <source>Invoice, old (5)</source>
        <translation>Рахунок, старий (5)</translation>
    </message>
    <message>
        <source>id, or pick one found below</source>
        <translation>id або оберіть знайдене нижче</translation>
    </message>
    <message>
        <source>search by title</source>
        <translation>пошук за назвою</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Знайти</translation>
    </message>
    <message>
        <source>Bind</source>
        <translation>Прив’язати</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Профіль:</translation>
    </message>
    <message>
        <source>&amp;Order:</source>
        <translation>&amp;Замовлення:</translation>
    </message>
    <message>
        <source>Bind &amp;to:</source>
        <translation>Прив’язати &amp;до:</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;Id:</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>З&amp;найти:</translation>
    </message>
    <message>
        <source>Old invoices cannot be searched: type the id.</source>
        <translation>Старі рахунки не шукаються: введіть id.</translation>
    </message>
    <message>
        <source>Now bound to {labels}. Binding replaces this link (you will be asked).</source>
        <translation>Зараз прив’язане до {labels}. Нова прив’язка замінить цей зв’язок (вас буде запитано).</translation>
    </message>
    <message>
        <source>Not bound yet.</source>
        <translation>Ще не прив’язане.</translation>
    </message>
    <message>
        <source>Could not read the order&apos;s link: {error}</source>
        <translation>Не вдалося прочитати прив’язку замовлення: {error}</translation>
    </message>
    <message>
        <source>Type a part of the title to search for.</source>
        <translation>Введіть частину назви для пошуку.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Пошук…</translation>
    </message>
    <message numerus="yes">
        <source>%n found. Enter or double-click picks one.</source>
        <translation>
            <numerusform>Знайдено %n. Enter або подвійне клацання обирає.</numerusform>
            <numerusform>Знайдено %n. Enter або подвійне клацання обирає.</numerusform>
            <numerusform>Знайдено %n. Enter або подвійне клацання обирає.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing found with that title.</source>
        <translation>Нічого не знайдено з такою назвою.</translation>
    </message>
    <message>
        <source>Binding…</source>
        <translation>Прив’язування…</translation>
    </message>
    <message>
        <source>Replace the link?</source>
        <translation>Замінити прив’язку?</translation>
    </message>
    <message>
        <source>Order {order} is bound to {old}. An order has one link: replace it with {new}?</source>
        <translation>Замовлення {order} прив’язане до {old}. Замовлення має лише одну прив’язку: замінити її на {new}?</translation>
    </message>
</context>
<context>
    <name>BindingTableModel</name>
    <message>
        <source>Deal</source>
        <translation>Угода</translation>
    </message>
    <message>
        <source>Invoice (old)</source>
        <translation>Рахунок (старий)</translation>
    </message>
    <message>
        <source>Smart invoice</source>
        <translation>Смарт-рахунок</translation>
    </message>
    <message>
        <source>CRM type {n}</source>
        <translation>Тип CRM {n}</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Bound to</source>
        <translation>Прив’язано до</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Назва</translation>
    </message>
</context>
<context>
    <name>BindingsPage</name>
    <message>
        <source>order id</source>
        <translation>id замовлення</translation>
    </message>
    <message>
        <source>Show the order&apos;s link</source>
        <translation>Показати прив’язку замовлення</translation>
    </message>
    <message>
        <source>deal id</source>
        <translation>id угоди</translation>
    </message>
    <message>
        <source>Show the deal&apos;s orders</source>
        <translation>Показати замовлення угоди</translation>
    </message>
    <message>
        <source>&amp;Unbind…</source>
        <translation>&amp;Відв’язати…</translation>
    </message>
    <message>
        <source>&amp;Bind an order…</source>
        <translation>Прив’&amp;язати замовлення…</translation>
    </message>
    <message>
        <source>Look up an order&apos;s link, or the orders bound to a deal.</source>
        <translation>Знайдіть прив’язку замовлення або замовлення, прив’язані до угоди.</translation>
    </message>
    <message>
        <source>Bindings</source>
        <translation>Прив’язки</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Профіль:</translation>
    </message>
    <message>
        <source>&amp;Order:</source>
        <translation>&amp;Замовлення:</translation>
    </message>
    <message>
        <source>Type a positive whole number.</source>
        <translation>Введіть додатне ціле число.</translation>
    </message>
    <message>
        <source>Reading order {id}&apos;s link…</source>
        <translation>Читаю прив’язку замовлення {id}…</translation>
    </message>
    <message numerus="yes">
        <source>Order {id} is bound to %n deal(s) or invoice(s).</source>
        <translation>
            <numerusform>Замовлення {id} прив’язане до %n угоди чи рахунку.</numerusform>
            <numerusform>Замовлення {id} прив’язане до %n угод чи рахунків.</numerusform>
            <numerusform>Замовлення {id} прив’язане до %n угод чи рахунків.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n order(s) bound to deal {id}.</source>
        <translation>
            <numerusform>До угоди {id} прив’язано %n замовлення.</numerusform>
            <numerusform>До угоди {id} прив’язано %n замовлення.</numerusform>
            <numerusform>До угоди {id} прив’язано %n замовлень.</numerusform>
        </translation>
    </message>
    <message>
        <source>Order {id} is not bound.</source>
        <translation>Замовлення {id} не прив’язане.</translation>
    </message>
    <message>
        <source>&amp;Deal:</source>
        <translation>&amp;Угода:</translation>
    </message>
    <message>
        <source>Reading the orders of deal {id}…</source>
        <translation>Читаю замовлення угоди {id}…</translation>
    </message>
    <message>
        <source>Unbind</source>
        <translation>Відв’язати</translation>
    </message>
    <message>
        <source>Remove the link between order {order} and {label}?</source>
        <translation>Прибрати зв’язок між замовленням {order} і {label}?</translation>
    </message>
    <message>
        <source>Unbinding…</source>
        <translation>Відв’язування…</translation>
    </message>
    <message>
        <source>Order {order} unbound from {label}.</source>
        <translation>Замовлення {order} відв’язано від {label}.</translation>
    </message>
</context>
<context>
    <name>ChangeSummary</name>
    <message>
        <source>order %1: status %2 → %3</source>
        <translation>замовлення %1: статус %2 → %3</translation>
    </message>
    <message>
        <source>order %1, shipment %2: delivery status %3 → %4</source>
        <translation>замовлення %1, відвантаження %2: статус доставки %3 → %4</translation>
    </message>
    <message>
        <source>%1 (sent, no answer: outcome unknown)</source>
        <translation>%1 (надіслано, відповіді немає: результат невідомий)</translation>
    </message>
    <message>
        <source>%1 (sent, no answer; applied, as a re-read from the portal showed)</source>
        <translation>%1 (надіслано, відповіді не було; застосовано, як показало перечитування з порталу)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>Connections</name>
    <message>
        <source>GNOME Keyring (Secret Service)</source>
        <translation>Зв’язка ключів GNOME (Secret Service)</translation>
    </message>
    <message>
        <source>KDE Wallet</source>
        <translation>KDE Wallet</translation>
    </message>
    <message>
        <source>macOS Keychain</source>
        <translation>Зв’язка ключів macOS</translation>
    </message>
    <message>
        <source>Windows Credential Manager</source>
        <translation>Диспетчер облікових даних Windows</translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message>
        <source>online store</source>
        <translation>інтернет-магазин</translation>
    </message>
    <message>
        <source>CRM</source>
        <translation>CRM</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Додати…</translation>
    </message>
    <message>
        <source>Ed&amp;it…</source>
        <translation>&amp;Змінити…</translation>
    </message>
    <message>
        <source>&amp;Remove…</source>
        <translation>&amp;Видалити…</translation>
    </message>
    <message>
        <source>Make &amp;default</source>
        <translation>Зробити &amp;типовим</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Налаштування…</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Спробувати ще</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Перевірити з’єднання</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копіювати</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показати</translation>
    </message>
    <message>
        <source>Connection test</source>
        <translation>Перевірка з’єднання</translation>
    </message>
    <message>
        <source>Handler URLs to register</source>
        <translation>URL обробників для реєстрації</translation>
    </message>
    <message>
        <source>Bitrix24 outgoing webhook:</source>
        <translation>Вихідний вебхук Bitrix24:</translation>
    </message>
    <message>
        <source>Horoshop:</source>
        <translation>Horoshop:</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Підключення</translation>
    </message>
    <message>
        <source>Reading the profiles…</source>
        <translation>Читаю профілі…</translation>
    </message>
    <message>
        <source>Demo: the profile lives in memory and cannot be changed.</source>
        <translation>Демо: профіль існує лише в пам’яті, його не можна змінити.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The keyring is locked or unavailable.&lt;/b&gt;&lt;br&gt;{reason}&lt;br&gt;Profiles can be listed, but secrets cannot be read or saved until it works: unlock the keyring (log in to the desktop session, or unlock it in Passwords and Keys), then press Try again.</source>
        <translation>&lt;b&gt;Сховище паролів заблоковане або недоступне.&lt;/b&gt;&lt;br&gt;{reason}&lt;br&gt;Профілі видно, але секрети не можна прочитати чи зберегти, доки воно не запрацює: розблокуйте сховище (увійдіть у сеанс робочого столу або розблокуйте його в «Паролі та ключі») і натисніть «Спробувати ще».</translation>
    </message>
    <message>
        <source>Secrets are kept in: {backend}</source>
        <translation>Секрети зберігаються в: {backend}</translation>
    </message>
    <message>
        <source>Secrets are kept in {backend}, which is not the operating system&apos;s keychain: check that this is what you want.</source>
        <translation>Секрети зберігаються в {backend}, а це не сховище паролів операційної системи: переконайтеся, що ви цього хочете.</translation>
    </message>
    <message numerus="yes">
        <source>%n profile(s). The default is used when a command names none.</source>
        <translation>
            <numerusform>%n профіль. Типовий використовується, коли команда не називає профілю.</numerusform>
            <numerusform>%n профілі. Типовий використовується, коли команда не називає профілю.</numerusform>
            <numerusform>%n профілів. Типовий використовується, коли команда не називає профілю.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied: {text}</source>
        <translation>Скопійовано: {text}</translation>
    </message>
    <message>
        <source>Profile {name} has no Horoshop secret.</source>
        <translation>Профіль {name} не має секрету Horoshop.</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Сховати</translation>
    </message>
    <message>
        <source>Copied the Horoshop URL (it contains the secret).</source>
        <translation>URL Horoshop скопійовано (він містить секрет).</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Перевірка…</translation>
    </message>
    <message>
        <source>The listener could not re-read the profiles: {error}</source>
        <translation>Приймач не зміг перечитати профілі: {error}</translation>
    </message>
    <message>
        <source>Remove profile</source>
        <translation>Видалити профіль</translation>
    </message>
    <message>
        <source>Remove profile {name} and its secrets from the keyring? Events already stored stay.</source>
        <translation>Видалити профіль {name} і його секрети зі сховища паролів? Уже збережені події залишаться.</translation>
    </message>
</context>
<context>
    <name>ConsoleStatusBar</name>
    <message>
        <source>the listener does not answer (%1)</source>
        <translation>приймач не відповідає (%1)</translation>
    </message>
    <message>
        <source>its store cannot be written</source>
        <translation>у його сховище не вдається писати</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 с тому</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1 хв тому</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1 год тому</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <source>Port %1 is taken (by another program or console): change the port in Settings, or stop the other program</source>
        <translation>Порт %1 зайнятий (іншою програмою чи консоллю): змініть порт у налаштуваннях або зупиніть іншу програму</translation>
    </message>
    <message>
        <source>Listener could not start on %1:%2 (%3): check the address in Settings</source>
        <translation>Приймач не зміг запуститися на %1:%2 (%3): перевірте адресу в налаштуваннях</translation>
    </message>
    <message>
        <source>Listener off</source>
        <translation>Приймач вимкнено</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>Приймає на %1</translation>
    </message>
    <message>
        <source>Demo · %1</source>
        <translation>Демо · %1</translation>
    </message>
    <message>
        <source>Events are not being kept: %1. Free disk space or fix the store&apos;s folder; the listener answers senders 503 until then</source>
        <translation>Події не зберігаються: %1. Звільніть місце на диску або виправте теку сховища; доти приймач відповідає відправникам 503</translation>
    </message>
    <message>
        <source>Today: %1</source>
        <translation>Сьогодні: %1</translation>
    </message>
    <message>
        <source>No verified event yet</source>
        <translation>Ще жодної перевіреної події</translation>
    </message>
    <message>
        <source>(no profile)</source>
        <translation>(без профілю)</translation>
    </message>
    <message>
        <source>Last verified: %1</source>
        <translation>Остання перевірена: %1</translation>
    </message>
    <message>
        <source>quiet: %1</source>
        <translation>тиша: %1</translation>
    </message>
    <message>
        <source>Nothing verified has arrived for longer than the warning time. Check that the portal&apos;s outbound webhook still points at this console.</source>
        <translation>Довше за час попередження не надійшло жодної перевіреної події. Перевірте, що вихідний вебхук порталу досі вказує на цю консоль.</translation>
    </message>
    <message>
        <source>Catch-up off</source>
        <translation>Дозбирання вимкнено</translation>
    </message>
    <message>
        <source>Catch-up</source>
        <translation>Дозбирання</translation>
    </message>
    <message>
        <source>last %1</source>
        <translation>останнє %1</translation>
    </message>
    <message>
        <source>first pass running</source>
        <translation>триває перший прохід</translation>
    </message>
    <message>
        <source>next %1</source>
        <translation>наступне %1</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) found</source>
        <translation>
            <numerusform>знайдено %n зміну</numerusform>
            <numerusform>знайдено %n зміни</numerusform>
            <numerusform>знайдено %n змін</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: waiting %2 s</source>
        <translation>%1: очікування %2 с</translation>
    </message>
    <message>
        <source>%1: a call to the portal has been running for %2 s</source>
        <translation>%1: запит до порталу триває вже %2 с</translation>
    </message>
    <message>
        <source>%1: unreachable</source>
        <translation>%1: недоступний</translation>
    </message>
    <message>
        <source>%1: ok</source>
        <translation>%1: гаразд</translation>
    </message>
    <message>
        <source>%1: %2 of %3 requests left in the burst</source>
        <translation>%1: у запасі %2 з %3 запитів</translation>
    </message>
    <message>
        <source>REST %1/%2</source>
        <translation>REST %1/%2</translation>
    </message>
    <message numerus="yes">
        <source>%n portal(s) unreachable</source>
        <translation>
            <numerusform>%n портал недоступний</numerusform>
            <numerusform>%n портали недоступні</numerusform>
            <numerusform>%n порталів недоступно</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for a portal</source>
        <translation>Очікування порталу</translation>
    </message>
    <message>
        <source>Portals ok</source>
        <translation>Портали: гаразд</translation>
    </message>
</context>
<context>
    <name>ConsoleTrayIcon</name>
    <message>
        <source>b24-console</source>
        <translation>b24-console</translation>
    </message>
    <message>
        <source>Show/Hide window</source>
        <translation>Показати/сховати вікно</translation>
    </message>
    <message>
        <source>New order event</source>
        <translation>Нова подія замовлення</translation>
    </message>
    <message>
        <source>%1 · order %2 · %3</source>
        <translation>%1 · замовлення %2 · %3</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>b24-console ran into a problem</source>
        <translation>У b24-console сталася помилка</translation>
    </message>
    <message>
        <source>Something went wrong inside b24-console. The window keeps running; if it behaves oddly, restart it. Events the listener has accepted are already stored.</source>
        <translation>Усередині b24-console щось пішло не так. Вікно працює далі; якщо воно поводиться дивно, перезапустіть його. Події, які прийняв приймач, уже збережено.</translation>
    </message>
    <message>
        <source>Secrets are masked in this text. The log file has it too; send it, or the copied text, to whoever looks after this console.</source>
        <translation>Секрети в цьому тексті приховано. Він є й у файлі журналу; надішліть його або скопійований текст тому, хто обслуговує цю консоль.</translation>
    </message>
    <message>
        <source>&amp;Copy details</source>
        <translation>&amp;Копіювати подробиці</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>Відкрити теку &amp;журналу</translation>
    </message>
    <message numerus="yes">
        <source>%n more errors happened after this one; the log file has each of them.</source>
        <translation>
            <numerusform>Після цієї сталася ще %n помилка; у файлі журналу є кожна.</numerusform>
            <numerusform>Після цієї сталися ще %n помилки; у файлі журналу є кожна.</numerusform>
            <numerusform>Після цієї сталося ще %n помилок; у файлі журналу є кожна.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопійовано</translation>
    </message>
</context>
<context>
    <name>CurlConfirm</name>
    <message>
        <source>Copy with secrets?</source>
        <translation>Копіювати із секретами?</translation>
    </message>
    <message>
        <source>Put this profile&apos;s real secrets into the copied command?</source>
        <translation>Вставити справжні секрети цього профілю в скопійовану команду?</translation>
    </message>
    <message>
        <source>The application token or the Horoshop URL secret goes back in only where the event carried that very secret (a forged event stays forged). Anyone who sees the command can then post events as your portal. Clear the clipboard after use.</source>
        <translation>Токен застосунку чи секрет URL Horoshop повертається лише туди, де подія несла саме цей секрет (підроблена подія лишається підробленою). Будь-хто, хто побачить команду, зможе надсилати події від імені вашого порталу. Після використання очистьте буфер обміну.</translation>
    </message>
</context>
<context>
    <name>DiffDialog</name>
    <message>
        <source>Compare events #{a} and #{b}</source>
        <translation>Порівняння подій #{a} і #{b}</translation>
    </message>
    <message>
        <source>Show only differences</source>
        <translation>Лише відмінності</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Завантаження…</translation>
    </message>
    <message>
        <source>The console is still starting; close and try again.</source>
        <translation>Консоль ще запускається; закрийте і спробуйте знову.</translation>
    </message>
    <message>
        <source>Could not read the events: {error}</source>
        <translation>Не вдалося прочитати події: {error}</translation>
    </message>
    <message>
        <source>Event #{id} is no longer stored.</source>
        <translation>Подія #{id} більше не зберігається.</translation>
    </message>
    <message>
        <source>Left: #{id}</source>
        <translation>Ліворуч: #{id}</translation>
    </message>
    <message>
        <source>Right: #{id}</source>
        <translation>Праворуч: #{id}</translation>
    </message>
    <message>
        <source>Left: {left}
Right: {right}</source>
        <translation>Ліворуч: {left}
Праворуч: {right}</translation>
    </message>
    <message numerus="yes">
        <source>The payloads are the same (%n keys).</source>
        <translation>
            <numerusform>Вміст однаковий (%n ключ).</numerusform>
            <numerusform>Вміст однаковий (%n ключі).</numerusform>
            <numerusform>Вміст однаковий (%n ключів).</numerusform>
        </translation>
    </message>
    <message>
        <source>{changed} changed, {added} added, {removed} removed, {same} the same</source>
        <translation>змінено: {changed}, додано: {added}, вилучено: {removed}, без змін: {same}</translation>
    </message>
</context>
<context>
    <name>DiffTreeModel</name>
    <message>
        <source>added</source>
        <translation>додано</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>вилучено</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>змінено</translation>
    </message>
    <message>
        <source>same</source>
        <translation>без змін</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>Ліворуч</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>Праворуч</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Зміна</translation>
    </message>
</context>
<context>
    <name>EntityTab</name>
    <message>
        <source>No portal connection for profile {profile}: {detail} Connect the portal in Connections.</source>
        <translation>Немає з’єднання з порталом для профілю {profile}: {detail} Підключіть портал на сторінці «Підключення».</translation>
    </message>
    <message>
        <source>Could not fetch the order: {detail}</source>
        <translation>Не вдалося отримати замовлення: {detail}</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>Оплата</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Доставка</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>Купон</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Коментар</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ім’я</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Місто</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адреса</translation>
    </message>
    <message>
        <source>Fetch from portal</source>
        <translation>Отримати з порталу</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Скасувати</translation>
    </message>
    <message>
        <source>&lt;b&gt;Basket&lt;/b&gt;</source>
        <translation>&lt;b&gt;Кошик&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Shipments&lt;/b&gt;</source>
        <translation>&lt;b&gt;Відвантаження&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Show order</source>
        <translation>Показати замовлення</translation>
    </message>
    <message>
        <source>The console is still starting; try again in a moment.</source>
        <translation>Консоль ще запускається; спробуйте за мить.</translation>
    </message>
    <message>
        <source>This event belongs to no profile, so there is no portal to ask.</source>
        <translation>Ця подія не належить жодному профілю, тож немає порталу, який можна запитати.</translation>
    </message>
    <message>
        <source>Asking the portal for order {order}…</source>
        <translation>Запитую в порталу замовлення {order}…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Скасовано.</translation>
    </message>
    <message>
        <source>{name} ({id})</source>
        <translation>{name} ({id})</translation>
    </message>
    <message>
        <source>Order {order}</source>
        <translation>Замовлення {order}</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Сума</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Створено</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Змінено</translation>
    </message>
    <message>
        <source>Found from</source>
        <translation>Знайдено через</translation>
    </message>
    <message>
        <source>property value {id}</source>
        <translation>значення властивості {id}</translation>
    </message>
    <message>
        <source>This event names no order.</source>
        <translation>Ця подія не називає замовлення.</translation>
    </message>
    <message>
        <source>The Horoshop body was not readable, so there is no order to show.</source>
        <translation>Тіло запиту Horoshop не вдалося прочитати, тож показати замовлення неможливо.</translation>
    </message>
    <message>
        <source>Property value {id} no longer exists on the portal, so its order cannot be found.</source>
        <translation>Значення властивості {id} більше немає на порталі, тож його замовлення не знайти.</translation>
    </message>
</context>
<context>
    <name>EventFeedTableModel</name>
    <message>
        <source>Received</source>
        <translation>Отримано</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Джерело</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Подія</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Об’єкт</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Профіль</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Перевірка</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Опис</translation>
    </message>
    <message>
        <source>duplicate of #%1</source>
        <translation>дублікат #%1</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>відхилена</translation>
    </message>
    <message>
        <source>malformed</source>
        <translation>некоректна</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>перевірена</translation>
    </message>
    <message>
        <source>Double-click or press Ctrl+G to go to the original event</source>
        <translation>Подвійне клацання або Ctrl+G — перейти до оригінальної події</translation>
    </message>
    <message>
        <source>Could not read the event store: %1</source>
        <translation>Не вдалося прочитати сховище подій: %1</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>застосовано</translation>
    </message>
    <message>
        <source>outcome unknown</source>
        <translation>результат невідомий</translation>
    </message>
</context>
<context>
    <name>EventRateSparkline</name>
    <message>
        <source>Events per minute, last hour</source>
        <translation>Подій за хвилину, остання година</translation>
    </message>
    <message>
        <source>Events per minute, last hour: %1 in all, at most %2 a minute</source>
        <translation>Подій за хвилину, остання година: усього %1, найбільше %2 за хвилину</translation>
    </message>
</context>
<context>
    <name>EventSummary</name>
    <message>
        <source>changed on the portal, no event received</source>
        <translation>змінено на порталі, подія не надійшла</translation>
    </message>
    <message>
        <source>property value saved</source>
        <translation>значення властивості збережено</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>статус %1</translation>
    </message>
    <message>
        <source>property value %1 saved</source>
        <translation>значення властивості %1 збережено</translation>
    </message>
</context>
<context>
    <name>Explanation</name>
    <message>
        <source>Profile {profile} has no application token, so no Bitrix24 event can be verified.</source>
        <translation>Профіль {profile} не має токена застосунку, тож жодну подію Bitrix24 не можна перевірити.</translation>
    </message>
    <message>
        <source>Open the webhook (or application) in Bitrix24, copy its application token and enter it in the connection settings of profile {profile}.</source>
        <translation>Відкрийте вебхук (або застосунок) у Bitrix24, скопіюйте його токен застосунку і введіть його в налаштуваннях підключення профілю {profile}.</translation>
    </message>
    <message>
        <source>The event carried no application token (auth[application_token]).</source>
        <translation>Подія не містила токена застосунку (auth[application_token]).</translation>
    </message>
    <message>
        <source>Genuine Bitrix24 events always carry one. If you sent this yourself, add the token; otherwise someone who does not know it posted to the handler URL of profile {profile}.</source>
        <translation>Справжні події Bitrix24 завжди його містять. Якщо ви надіслали цю подію самі, додайте токен; інакше хтось, хто його не знає, надіслав запит на URL обробника профілю {profile}.</translation>
    </message>
    <message>
        <source>The application token is not the one of profile {profile}; the event came from {address}.</source>
        <translation>Токен застосунку не той, що в профілі {profile}; подія надійшла з {address}.</translation>
    </message>
    <message>
        <source>It can be read two ways. Someone who does not know the token posted to the handler URL: nothing needs changing, the event was rightly refused (if it goes on, block {address}). Or a webhook of yours sends another token (it was re-created, or it is meant for another profile): enter its application token in profile {profile}, or copy this profile&apos;s handler URL ({path}) into that webhook&apos;s settings in Bitrix24.</source>
        <translation>Це можна пояснити двояко. Хтось, хто не знає токена, надіслав запит на URL обробника: нічого змінювати не треба, подію слушно відхилено (якщо це триває, заблокуйте {address}). Або ваш вебхук надсилає інший токен (його створено заново або він призначений для іншого профілю): введіть його токен застосунку в профілі {profile} або скопіюйте URL обробника цього профілю ({path}) у налаштування того вебхука в Bitrix24.</translation>
    </message>
    <message>
        <source>The event did not say which portal sent it (auth[domain] is missing).</source>
        <translation>Подія не вказує, який портал її надіслав (немає auth[domain]).</translation>
    </message>
    <message>
        <source>Bitrix24 always sends the portal domain; this event was probably built by hand. Add auth[domain] with the portal of profile {profile} and resend it.</source>
        <translation>Bitrix24 завжди надсилає домен порталу; цю подію, ймовірно, складено вручну. Додайте auth[domain] з порталом профілю {profile} і надішліть її знову.</translation>
    </message>
    <message>
        <source>The event came from portal {domain}, which is not the portal of profile {profile}.</source>
        <translation>Подія надійшла з порталу {domain}, а це не портал профілю {profile}.</translation>
    </message>
    <message>
        <source>If {domain} is the right portal (it was renamed or moved), change the portal address of profile {profile}; otherwise point that portal&apos;s webhook at the handler URL of its own profile.</source>
        <translation>Якщо {domain} — правильний портал (його перейменовано чи перенесено), змініть адресу порталу профілю {profile}; інакше спрямуйте вебхук того порталу на URL обробника його власного профілю.</translation>
    </message>
    <message>
        <source>The event&apos;s member_id is not the one recorded for profile {profile}.</source>
        <translation>member_id події не збігається із записаним для профілю {profile}.</translation>
    </message>
    <message>
        <source>The portal was re-installed or this is another portal with the same address. Reconnect profile {profile} so that its member_id is read again.</source>
        <translation>Портал перевстановлено, або це інший портал з тією ж адресою. Підключіть профіль {profile} заново, щоб його member_id прочитано знову.</translation>
    </message>
    <message>
        <source>The event was sent to /bitrix/{profile}, but there is no profile named {profile}.</source>
        <translation>Подію надіслано на /bitrix/{profile}, але профілю з назвою {profile} немає.</translation>
    </message>
    <message>
        <source>Add a profile with that name, or change the webhook&apos;s handler URL in Bitrix24 to the URL of an existing profile (the window lists them).</source>
        <translation>Додайте профіль з такою назвою або змініть URL обробника вебхука в Bitrix24 на URL наявного профілю (вікно їх показує).</translation>
    </message>
    <message>
        <source>The secret in the Horoshop URL matches no profile.</source>
        <translation>Секрет в URL Horoshop не відповідає жодному профілю.</translation>
    </message>
    <message>
        <source>Copy the Horoshop handler URL of the right profile (with its secret) into the Horoshop admin panel; if the secret was changed here, update it there too.</source>
        <translation>Скопіюйте URL обробника Horoshop потрібного профілю (з його секретом) в адмін-панель Horoshop; якщо секрет змінено тут, оновіть його й там.</translation>
    </message>
    <message>
        <source>The body was sent as {media}, which the listener does not read.</source>
        <translation>Тіло надіслано як {media}, а приймач такого не читає.</translation>
    </message>
    <message>
        <source>Send application/x-www-form-urlencoded or application/json.</source>
        <translation>Надсилайте application/x-www-form-urlencoded або application/json.</translation>
    </message>
    <message>
        <source>The body is not valid UTF-8 (first bad byte at offset {byte}).</source>
        <translation>Тіло не є коректним UTF-8 (перший хибний байт на зсуві {byte}).</translation>
    </message>
    <message>
        <source>The Raw tab shows the bytes in hex. Make the sender encode its text as UTF-8.</source>
        <translation>Вкладка «Сирі дані» показує байти в hex. Налаштуйте відправника кодувати текст в UTF-8.</translation>
    </message>
    <message>
        <source>The body is not valid JSON: {detail}.</source>
        <translation>Тіло не є коректним JSON: {detail}.</translation>
    </message>
    <message>
        <source>Look at the Raw tab near that position; fix the sender, or edit and resend it.</source>
        <translation>Перегляньте вкладку «Сирі дані» біля цієї позиції; виправте відправника або змініть подію й надішліть знову.</translation>
    </message>
    <message>
        <source>The body nests deeper than {n} levels.</source>
        <translation>Вкладеність тіла глибша за {n} рівнів.</translation>
    </message>
    <message>
        <source>No real event is that deep; if it is genuine, raise the listener&apos;s max_depth.</source>
        <translation>Справжні події не бувають такими глибокими; якщо ця справжня, збільште max_depth приймача.</translation>
    </message>
    <message>
        <source>The body has more than {n} keys.</source>
        <translation>Тіло має понад {n} ключів.</translation>
    </message>
    <message>
        <source>No real event has that many; if it is genuine, raise the listener&apos;s max_keys.</source>
        <translation>Справжні події не мають стільки ключів; якщо ця справжня, збільште max_keys приймача.</translation>
    </message>
    <message>
        <source>The body is larger than {n} bytes; only its start was kept.</source>
        <translation>Тіло більше за {n} байтів; збережено лише його початок.</translation>
    </message>
    <message>
        <source>If the sender is genuine, raise the listener&apos;s max_body_bytes.</source>
        <translation>Якщо відправник справжній, збільште max_body_bytes приймача.</translation>
    </message>
    <message>
        <source>The form body could not be read: {detail}.</source>
        <translation>Не вдалося прочитати тіло форми: {detail}.</translation>
    </message>
    <message>
        <source>Look at the Raw tab; Bitrix24 sends PHP-style bracket keys (a[b]=c).</source>
        <translation>Перегляньте вкладку «Сирі дані»; Bitrix24 надсилає ключі з дужками у стилі PHP (a[b]=c).</translation>
    </message>
    <message>
        <source>The body is not a JSON object, so it has no event fields.</source>
        <translation>Тіло не є об’єктом JSON, тож не має полів події.</translation>
    </message>
    <message>
        <source>Send an object ({{...}}); the Payload tab shows what arrived.</source>
        <translation>Надсилайте об’єкт ({{...}}); вкладка «Вміст» показує, що надійшло.</translation>
    </message>
    <message>
        <source>The body has no event name (the &apos;event&apos; field is missing or empty).</source>
        <translation>Тіло не має назви події (поле &apos;event&apos; відсутнє або порожнє).</translation>
    </message>
    <message>
        <source>Bitrix24 always names the event; add event=ONSALEORDERSAVED (or the right one).</source>
        <translation>Bitrix24 завжди називає подію; додайте event=ONSALEORDERSAVED (або потрібну).</translation>
    </message>
    <message>
        <source>The {event} event has no data[FIELDS][ID], so it names no entity.</source>
        <translation>Подія {event} не має data[FIELDS][ID], тож не називає об’єкта.</translation>
    </message>
    <message>
        <source>Check the webhook in Bitrix24; a hand-made event needs data[FIELDS][ID].</source>
        <translation>Перевірте вебхук у Bitrix24; складеній вручну події потрібне data[FIELDS][ID].</translation>
    </message>
    <message>
        <source>The Horoshop body has no order_id.</source>
        <translation>Тіло від Horoshop не має order_id.</translation>
    </message>
    <message>
        <source>Horoshop always sends order_id; check that the URL is set for order events.</source>
        <translation>Horoshop завжди надсилає order_id; перевірте, що URL задано для подій замовлень.</translation>
    </message>
    <message>
        <source>The body could not be parsed.</source>
        <translation>Не вдалося розібрати тіло.</translation>
    </message>
    <message>
        <source>The Raw tab shows what arrived.</source>
        <translation>Вкладка «Сирі дані» показує, що надійшло.</translation>
    </message>
    <message>
        <source>Found by catch-up polling: no event arrived for this change.</source>
        <translation>Знайдено дозбиранням: на цю зміну жодна подія не надійшла.</translation>
    </message>
    <message>
        <source>Check that the portal&apos;s webhook points at this console&apos;s handler URL.</source>
        <translation>Перевірте, що вебхук порталу вказує на URL обробника цієї консолі.</translation>
    </message>
    <message>
        <source>The event was {state}, with no reason recorded.</source>
        <translation>Подія {state}, причину не записано.</translation>
    </message>
    <message>
        <source>The Raw and Headers tabs show exactly what arrived.</source>
        <translation>Вкладки «Сирі дані» і «Заголовки» показують, що саме надійшло.</translation>
    </message>
    <message>
        <source>The listener said: {reason}.</source>
        <translation>Приймач повідомив: {reason}.</translation>
    </message>
    <message>
        <source>Verified, and a repeat of event #{original}.</source>
        <translation>Перевірена; повтор події #{original}.</translation>
    </message>
    <message>
        <source>The sender retried or sent it twice; nothing to do.</source>
        <translation>Відправник повторив спробу або надіслав двічі; нічого робити не треба.</translation>
    </message>
    <message>
        <source>Verified: the sender proved who it is.</source>
        <translation>Перевірена: відправник підтвердив, хто він.</translation>
    </message>
    <message>
        <source>Events with a wrong token for this profile in the hour up to this one: {count}.</source>
        <translation>Подій із хибним токеном для цього профілю за годину до цієї: {count}.</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export events</source>
        <translation>Експорт подій</translation>
    </message>
    <message>
        <source>Counting events for %1…</source>
        <translation>Рахую події для %1…</translation>
    </message>
    <message numerus="yes">
        <source>Writing %1: %2 of %Ln events</source>
        <translation>
            <numerusform>Запис %1: %2 з %Ln події</numerusform>
            <numerusform>Запис %1: %2 з %Ln подій</numerusform>
            <numerusform>Запис %1: %2 з %Ln подій</numerusform>
        </translation>
    </message>
    <message>
        <source>Export failed: %1. Check that the folder exists and has free space.</source>
        <translation>Експорт не вдався: %1. Перевірте, що тека існує і має вільне місце.</translation>
    </message>
</context>
<context>
    <name>FeedTableView</name>
    <message>
        <source>No events match this query.</source>
        <translation>Жодна подія не відповідає цьому запиту.</translation>
    </message>
    <message>
        <source>No events yet.</source>
        <translation>Подій ще немає.</translation>
    </message>
    <message numerus="yes">
        <source>↑ %Ln new events</source>
        <translation>
            <numerusform>↑ %Ln нова подія</numerusform>
            <numerusform>↑ %Ln нові події</numerusform>
            <numerusform>↑ %Ln нових подій</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <source>(none)</source>
        <translation>(немає)</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>без обмеження</translation>
    </message>
</context>
<context>
    <name>Folders</name>
    <message>
        <source>no file manager answered</source>
        <translation>жоден файловий менеджер не відповів</translation>
    </message>
    <message>
        <source>Cannot open the folder</source>
        <translation>Не вдається відкрити теку</translation>
    </message>
    <message>
        <source>%1 could not be opened (%2). Open it by hand.</source>
        <translation>Не вдалося відкрити %1 (%2). Відкрийте її вручну.</translation>
    </message>
</context>
<context>
    <name>FormProblems</name>
    <message>
        <source>Enter an id.</source>
        <translation>Введіть id.</translation>
    </message>
    <message>
        <source>Only Latin letters and digits.</source>
        <translation>Лише латинські літери та цифри.</translation>
    </message>
    <message>
        <source>Choose Order (O) or Delivery (D).</source>
        <translation>Оберіть «Замовлення» (O) або «Доставка» (D).</translation>
    </message>
    <message>
        <source>A whole number.</source>
        <translation>Ціле число.</translation>
    </message>
    <message>
        <source>A colour like #1A2B3C.</source>
        <translation>Колір у вигляді #1A2B3C.</translation>
    </message>
    <message>
        <source>Unknown language id.</source>
        <translation>Невідомий id мови.</translation>
    </message>
    <message>
        <source>A positive whole number.</source>
        <translation>Додатне ціле число.</translation>
    </message>
    <message>
        <source>One or two Latin letters or digits.</source>
        <translation>Одна чи дві латинські літери або цифри.</translation>
    </message>
    <message>
        <source>At most %1 characters.</source>
        <translation>Не більше ніж %1 симв.</translation>
    </message>
    <message>
        <source>Between %1 and %2.</source>
        <translation>Від %1 до %2.</translation>
    </message>
    <message>
        <source>%1 is a system status: Bitrix24 keeps it an order status and refuses to change its type or delete it.</source>
        <translation>%1 — системний статус: Bitrix24 лишає його статусом замовлення і не дає змінити його тип чи видалити.</translation>
    </message>
    <message>
        <source>%1 is a system status: Bitrix24 keeps it a delivery status and refuses to change its type or delete it.</source>
        <translation>%1 — системний статус: Bitrix24 лишає його статусом доставки і не дає змінити його тип чи видалити.</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>%1 (the storefront&apos;s time)</source>
        <translation>%1 (за часом вітрини)</translation>
    </message>
</context>
<context>
    <name>Forms</name>
    <message>
        <source>The console is still starting; try again in a moment.</source>
        <translation>Консоль ще запускається; спробуйте за мить.</translation>
    </message>
</context>
<context>
    <name>Gap</name>
    <message>
        <source>+%1 ms</source>
        <translation>+%1 мс</translation>
    </message>
    <message>
        <source>+%1 s</source>
        <translation>+%1 с</translation>
    </message>
    <message>
        <source>+%1 min %2 s</source>
        <translation>+%1 хв %2 с</translation>
    </message>
    <message>
        <source>+%1 min</source>
        <translation>+%1 хв</translation>
    </message>
    <message>
        <source>+%1 h %2 min</source>
        <translation>+%1 год %2 хв</translation>
    </message>
    <message>
        <source>+%1 h</source>
        <translation>+%1 год</translation>
    </message>
    <message>
        <source>+%1 d %2 h</source>
        <translation>+%1 д %2 год</translation>
    </message>
    <message>
        <source>+%1 d</source>
        <translation>+%1 д</translation>
    </message>
</context>
<context>
    <name>HeadersTableModel</name>
    <message>
        <source>Name</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значення</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <source>Catch-up</source>
        <translation>Дозбирання</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Закріпити</translation>
    </message>
    <message>
        <source>Pinned events are never removed by retention</source>
        <translation>Закріплені події не видаляються під час очищення за терміном зберігання</translation>
    </message>
    <message>
        <source>Copy as cURL</source>
        <translation>Копіювати як cURL</translation>
    </message>
    <message>
        <source>Copy as cURL (secrets masked)</source>
        <translation>Копіювати як cURL (секрети приховано)</translation>
    </message>
    <message>
        <source>Copy as cURL with secrets…</source>
        <translation>Копіювати як cURL із секретами…</translation>
    </message>
    <message>
        <source>Edit and resend…</source>
        <translation>Змінити й надіслати знову…</translation>
    </message>
    <message>
        <source>Compare…</source>
        <translation>Порівняти…</translation>
    </message>
    <message>
        <source>Compare this event&apos;s payload with another event</source>
        <translation>Порівняти вміст цієї події з іншою подією</translation>
    </message>
    <message>
        <source>Order timeline</source>
        <translation>Історія замовлення</translation>
    </message>
    <message>
        <source>Change status…</source>
        <translation>Змінити статус…</translation>
    </message>
    <message>
        <source>Change the order&apos;s or a shipment&apos;s status</source>
        <translation>Змінити статус замовлення чи відвантаження</translation>
    </message>
    <message>
        <source>Bind to deal…</source>
        <translation>Прив’язати до угоди…</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Вміст</translation>
    </message>
    <message>
        <source>Raw</source>
        <translation>Сирі дані</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Заголовки</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Об’єкт</translation>
    </message>
    <message>
        <source>Select an event in the feed to inspect it.</source>
        <translation>Виберіть подію у стрічці, щоб її переглянути.</translation>
    </message>
    <message>
        <source>The console is still starting…</source>
        <translation>Консоль ще запускається…</translation>
    </message>
    <message>
        <source>Event #{id} is no longer stored (removed by retention).</source>
        <translation>Подія #{id} більше не зберігається (видалена за терміном зберігання).</translation>
    </message>
    <message>
        <source>Could not read event #{id}: {error}</source>
        <translation>Не вдалося прочитати подію #{id}: {error}</translation>
    </message>
    <message>
        <source>verified</source>
        <translation>перевірена</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>відхилена</translation>
    </message>
    <message>
        <source>malformed</source>
        <translation>некоректна</translation>
    </message>
    <message>
        <source>{state}, duplicate</source>
        <translation>{state}, дублікат</translation>
    </message>
    <message>
        <source>profile {name}</source>
        <translation>профіль {name}</translation>
    </message>
    <message>
        <source>no profile</source>
        <translation>без профілю</translation>
    </message>
    <message>
        <source>Horoshop order {id}</source>
        <translation>замовлення Horoshop {id}</translation>
    </message>
    <message>
        <source>order {id}</source>
        <translation>замовлення {id}</translation>
    </message>
    <message>
        <source>entity {id}</source>
        <translation>об’єкт {id}</translation>
    </message>
    <message>
        <source>from {addr}</source>
        <translation>від {addr}</translation>
    </message>
    <message>
        <source>Found by polling the portal: nothing was sent, so nothing to resend.</source>
        <translation>Знайдено опитуванням порталу: нічого не надсилалося, тож нічого надсилати знову.</translation>
    </message>
    <message>
        <source>Accept {domain} for profile {profile}</source>
        <translation>Прийняти {domain} для профілю {profile}</translation>
    </message>
    <message>
        <source>The application token was right: this is the portal under another address. Accepting it verifies its future events; this one stays rejected.</source>
        <translation>Токен застосунку правильний: це той самий портал під іншою адресою. Якщо його прийняти, наступні події пройдуть перевірку; ця лишається відхиленою.</translation>
    </message>
    <message>
        <source>{domain} is accepted for profile {profile}: its next events are verified. This event stays rejected; resend it to store it again.</source>
        <translation>{domain} прийнято для профілю {profile}: наступні його події пройдуть перевірку. Ця подія лишається відхиленою; надішліть її знову, щоб зберегти ще раз.</translation>
    </message>
    <message>
        <source>Could not accept the domain: {error}</source>
        <translation>Не вдалося прийняти домен: {error}</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Закріплено</translation>
    </message>
    <message>
        <source>This event names no order yet; open the Entity tab to find it.</source>
        <translation>Ця подія поки не називає замовлення; відкрийте вкладку «Об’єкт», щоб його знайти.</translation>
    </message>
    <message>
        <source>Event #{id} is no longer stored.</source>
        <translation>Подія #{id} більше не зберігається.</translation>
    </message>
    <message>
        <source>Could not change the pin: {error}</source>
        <translation>Не вдалося змінити закріплення: {error}</translation>
    </message>
    <message>
        <source>Could not read the secrets: {error}</source>
        <translation>Не вдалося прочитати секрети: {error}</translation>
    </message>
    <message>
        <source>Copied as cURL, WITH secrets: clear the clipboard after use.</source>
        <translation>Скопійовано як cURL, ІЗ секретами: після використання очистьте буфер обміну.</translation>
    </message>
    <message>
        <source>Copied as cURL (secrets masked).</source>
        <translation>Скопійовано як cURL (секрети приховано).</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>b24-console</source>
        <translation>b24-console</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Події</translation>
    </message>
    <message>
        <source>Statuses</source>
        <translation>Статуси</translation>
    </message>
    <message>
        <source>Bindings</source>
        <translation>Прив’язки</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Підключення</translation>
    </message>
    <message>
        <source>Show the %1 page</source>
        <translation>Показати сторінку «%1»</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Дії</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вигляд</translation>
    </message>
    <message>
        <source>&amp;Event</source>
        <translation>&amp;Подія</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Довідка</translation>
    </message>
    <message>
        <source>&amp;Focus the query bar</source>
        <translation>&amp;Перейти до рядка запиту</translation>
    </message>
    <message>
        <source>C&amp;lear the filter</source>
        <translation>&amp;Очистити фільтр</translation>
    </message>
    <message>
        <source>&amp;Inspect the selected event</source>
        <translation>&amp;Переглянути вибрану подію</translation>
    </message>
    <message>
        <source>&amp;Go to original</source>
        <translation>Перейти до &amp;оригіналу</translation>
    </message>
    <message>
        <source>&amp;Pin/Unpin</source>
        <translation>&amp;Закріпити/відкріпити</translation>
    </message>
    <message>
        <source>&amp;Compare two events</source>
        <translation>По&amp;рівняти дві події</translation>
    </message>
    <message>
        <source>Edit and &amp;resend…</source>
        <translation>Змінити й &amp;надіслати знову…</translation>
    </message>
    <message>
        <source>Order &amp;timeline</source>
        <translation>&amp;Історія замовлення</translation>
    </message>
    <message>
        <source>&amp;Export the current filter…</source>
        <translation>&amp;Експортувати поточну вибірку…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>О&amp;новити</translation>
    </message>
    <message>
        <source>&amp;Pause the live feed</source>
        <translation>Призупинити &amp;живу стрічку</translation>
    </message>
    <message>
        <source>&amp;Jump to the newest event</source>
        <translation>&amp;До найновішої події</translation>
    </message>
    <message>
        <source>&amp;Notify about new orders</source>
        <translation>&amp;Сповіщати про нові замовлення</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Гарячі клавіші</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Вийти</translation>
    </message>
    <message>
        <source>&amp;About b24-console</source>
        <translation>&amp;Про b24-console</translation>
    </message>
    <message>
        <source>Open &amp;log folder</source>
        <translation>Відкрити теку &amp;журналу</translation>
    </message>
    <message>
        <source>Change order &amp;status…</source>
        <translation>Змінити &amp;статус замовлення…</translation>
    </message>
    <message>
        <source>&amp;Bind to deal…</source>
        <translation>Прив’язати до &amp;угоди…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Налаштування…</translation>
    </message>
    <message>
        <source>b24-console — demo</source>
        <translation>b24-console — демо</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Запуск…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Призупинено</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● Наживо</translation>
    </message>
    <message>
        <source>Resume the live feed (F8)</source>
        <translation>Відновити живу стрічку (F8)</translation>
    </message>
    <message>
        <source>Pause the live feed (F8)</source>
        <translation>Призупинити живу стрічку (F8)</translation>
    </message>
    <message numerus="yes">
        <source>Paused — %n new</source>
        <translation>
            <numerusform>Призупинено — %n нова</numerusform>
            <numerusform>Призупинено — %n нові</numerusform>
            <numerusform>Призупинено — %n нових</numerusform>
        </translation>
    </message>
    <message>
        <source>The original #%1 is not in this view; it is shown in the inspector.</source>
        <translation>Оригіналу #%1 немає в цій вибірці; його показано в панелі перегляду.</translation>
    </message>
    <message>
        <source>Select one or two events and press Ctrl+D to compare.</source>
        <translation>Виберіть одну чи дві події і натисніть Ctrl+D, щоб порівняти.</translation>
    </message>
    <message>
        <source>Select two events and press Ctrl+D to compare them.</source>
        <translation>Виберіть дві події і натисніть Ctrl+D, щоб їх порівняти.</translation>
    </message>
    <message>
        <source>No earlier event about order %1 to compare with; select two events and press Ctrl+D.</source>
        <translation>Немає попередньої події про замовлення %1 для порівняння; виберіть дві події і натисніть Ctrl+D.</translation>
    </message>
    <message>
        <source>The store is not open yet.</source>
        <translation>Сховище ще не відкрите.</translation>
    </message>
    <message>
        <source>Export events</source>
        <translation>Експорт подій</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;CSV (*.csv)</source>
        <translation>Рядки JSON (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln events to %1</source>
        <translation>
            <numerusform>Експортовано %Ln подію в %1</numerusform>
            <numerusform>Експортовано %Ln події в %1</numerusform>
            <numerusform>Експортовано %Ln подій в %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrderLookup</name>
    <message>
        <source>order id, e.g. 140</source>
        <translation>id замовлення, напр. 140</translation>
    </message>
    <message>
        <source>Type an order id to look it up.</source>
        <translation>Введіть id замовлення, щоб його знайти.</translation>
    </message>
    <message>
        <source>Order {order} belongs to Horoshop, not to Bitrix24: the Bitrix24 order {order}, if there is one, is another order. Type the Bitrix24 order id.</source>
        <translation>Замовлення {order} належить Horoshop, а не Bitrix24: замовлення Bitrix24 з номером {order}, якщо таке є, — це інше замовлення. Введіть id замовлення Bitrix24.</translation>
    </message>
    <message>
        <source>An order id is a positive whole number.</source>
        <translation>Id замовлення — додатне ціле число.</translation>
    </message>
    <message>
        <source>Looking up…</source>
        <translation>Шукаю…</translation>
    </message>
</context>
<context>
    <name>OrderStatusDialog</name>
    <message>
        <source>Change order status</source>
        <translation>Зміна статусу замовлення</translation>
    </message>
    <message>
        <source>New &amp;status:</source>
        <translation>Новий &amp;статус:</translation>
    </message>
    <message>
        <source>S&amp;hipment:</source>
        <translation>&amp;Відвантаження:</translation>
    </message>
    <message>
        <source>Now:</source>
        <translation>Зараз:</translation>
    </message>
    <message>
        <source>New &amp;delivery status:</source>
        <translation>Новий статус &amp;доставки:</translation>
    </message>
    <message>
        <source>Order status</source>
        <translation>Статус замовлення</translation>
    </message>
    <message>
        <source>Delivery status</source>
        <translation>Статус доставки</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Змінити</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Профіль:</translation>
    </message>
    <message>
        <source>&amp;Order:</source>
        <translation>&amp;Замовлення:</translation>
    </message>
    <message>
        <source> — now</source>
        <translation> — зараз</translation>
    </message>
    <message>
        <source>#{id} {delivery}</source>
        <translation>#{id} {delivery}</translation>
    </message>
    <message>
        <source>This order has no shipments.</source>
        <translation>Це замовлення не має відвантажень.</translation>
    </message>
    <message>
        <source>Pick the status to move to: this is the current one.</source>
        <translation>Оберіть статус, на який перевести: цей — поточний.</translation>
    </message>
    <message>
        <source>Changing…</source>
        <translation>Змінюю…</translation>
    </message>
</context>
<context>
    <name>OrderTimelineTableModel</name>
    <message>
        <source>Time</source>
        <translation>Час</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>Інтервал</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Джерело</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Подія</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Перевірка</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Опис</translation>
    </message>
    <message>
        <source>this console</source>
        <translation>ця консоль</translation>
    </message>
</context>
<context>
    <name>OutcomeUnknownDialog</name>
    <message>
        <source>status {id}</source>
        <translation>статус {id}</translation>
    </message>
    <message>
        <source>Sent, but no answer</source>
        <translation>Надіслано, але без відповіді</translation>
    </message>
    <message>
        <source>The change was sent to the portal, but no answer came back: it may or may not have been applied. Re-read it from the portal before trying again.</source>
        <translation>Зміну надіслано на портал, але відповіді не надійшло: її могли застосувати, а могли й ні. Перечитайте дані з порталу, перш ніж пробувати знову.</translation>
    </message>
    <message>
        <source>What happened: %1</source>
        <translation>Що сталося: %1</translation>
    </message>
    <message>
        <source>Re-read from the portal</source>
        <translation>Перечитати з порталу</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Читаю…</translation>
    </message>
    <message>
        <source>The portal has now: {what}. The change was applied; the change log and the order&apos;s timeline now say so. Do not send it again.</source>
        <translation>На порталі зараз: {what}. Зміну застосовано; журнал змін та історія замовлення тепер це показують. Не надсилайте її знову.</translation>
    </message>
    <message>
        <source>The portal has now: {what}. Retry only if that is not what you wanted.</source>
        <translation>На порталі зараз: {what}. Повторюйте, лише якщо це не те, чого ви хотіли.</translation>
    </message>
    <message>
        <source>Could not read it again: {error}</source>
        <translation>Не вдалося перечитати: {error}</translation>
    </message>
</context>
<context>
    <name>OwnerTableModel</name>
    <message>
        <source>company {id}</source>
        <translation>компанія {id}</translation>
    </message>
    <message>
        <source>contact {id}</source>
        <translation>контакт {id}</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Стадія</translation>
    </message>
    <message>
        <source>Sum</source>
        <translation>Сума</translation>
    </message>
    <message>
        <source>Company/contact</source>
        <translation>Компанія/контакт</translation>
    </message>
</context>
<context>
    <name>PayloadTab</name>
    <message>
        <source>No parsed payload: the body could not be read. See the Raw tab.</source>
        <translation>Розібраного вмісту немає: тіло не вдалося прочитати. Дивіться вкладку «Сирі дані».</translation>
    </message>
    <message>
        <source>Tree</source>
        <translation>Дерево</translation>
    </message>
    <message>
        <source>Form lines</source>
        <translation>Рядки форми</translation>
    </message>
    <message>
        <source>Copy value</source>
        <translation>Копіювати значення</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>Копіювати шлях</translation>
    </message>
    <message>
        <source>Expand all</source>
        <translation>Розгорнути все</translation>
    </message>
    <message>
        <source>Collapse all</source>
        <translation>Згорнути все</translation>
    </message>
</context>
<context>
    <name>PayloadTreeModel</name>
    <message>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значення</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
</context>
<context>
    <name>PortalErrors</name>
    <message>
        <source>The change was sent but no answer came. Check the portal before retrying.</source>
        <translation>Зміну надіслано, але відповіді не було. Перевірте портал, перш ніж повторювати.</translation>
    </message>
    <message>
        <source>The portal could not be reached. Check the address and the connection.</source>
        <translation>Портал недоступний. Перевірте адресу і з’єднання.</translation>
    </message>
    <message>
        <source>The portal address is not valid: use https://your-portal.bitrix24.com.</source>
        <translation>Неправильна адреса порталу: використовуйте https://your-portal.bitrix24.com.</translation>
    </message>
    <message>
        <source>The portal redirected the request. Check the portal address.</source>
        <translation>Портал переспрямував запит. Перевірте адресу порталу.</translation>
    </message>
    <message>
        <source>The sign-in has expired. Sign in to the portal again.</source>
        <translation>Вхід застарів. Увійдіть на портал знову.</translation>
    </message>
    <message>
        <source>The application id or secret is wrong, or the app is not installed.</source>
        <translation>Неправильний id або секрет застосунку, або застосунок не встановлено.</translation>
    </message>
    <message>
        <source>The application subscription has expired. Renew it in Bitrix24.</source>
        <translation>Підписка на застосунок закінчилася. Поновіть її в Bitrix24.</translation>
    </message>
    <message>
        <source>The Bitrix24 sign-in server refused the request. Sign in again.</source>
        <translation>Сервер входу Bitrix24 відхилив запит. Увійдіть знову.</translation>
    </message>
    <message>
        <source>The webhook code or access token is wrong. Check the profile credentials.</source>
        <translation>Неправильний код вебхука або токен доступу. Перевірте облікові дані профілю.</translation>
    </message>
    <message>
        <source>The access token expired and could not be renewed. Sign in again.</source>
        <translation>Токен доступу застарів, і його не вдалося оновити. Увійдіть знову.</translation>
    </message>
    <message>
        <source>The portal did not accept the credentials. Check the profile.</source>
        <translation>Портал не прийняв облікові дані. Перевірте профіль.</translation>
    </message>
    <message>
        <source>The webhook lacks a permission (scope). Add it in Bitrix24.</source>
        <translation>Вебхуку бракує дозволу (scope). Додайте його в Bitrix24.</translation>
    </message>
    <message>
        <source>This action needs an application (OAuth) profile, not a webhook.</source>
        <translation>Для цієї дії потрібен профіль застосунку (OAuth), а не вебхук.</translation>
    </message>
    <message>
        <source>A portal administrator must confirm this action for the app.</source>
        <translation>Адміністратор порталу має підтвердити цю дію для застосунку.</translation>
    </message>
    <message>
        <source>REST is available only on commercial Bitrix24 plans. Upgrade the portal&apos;s plan.</source>
        <translation>REST доступний лише на комерційних тарифах Bitrix24. Змініть тариф порталу.</translation>
    </message>
    <message>
        <source>The webhook&apos;s user needs online-store rights. Make them a store administrator.</source>
        <translation>Користувачеві вебхука потрібні права інтернет-магазину. Зробіть його адміністратором магазину.</translation>
    </message>
    <message>
        <source>The webhook&apos;s user lacks permissions for this. Check their rights.</source>
        <translation>Користувачеві вебхука бракує прав на це. Перевірте його права.</translation>
    </message>
    <message>
        <source>Access denied. Check the permissions of the webhook&apos;s user.</source>
        <translation>Доступ заборонено. Перевірте права користувача вебхука.</translation>
    </message>
    <message>
        <source>That order does not exist. Check the order number.</source>
        <translation>Такого замовлення немає. Перевірте номер замовлення.</translation>
    </message>
    <message>
        <source>That status does not exist. Reload the status list.</source>
        <translation>Такого статусу немає. Оновіть список статусів.</translation>
    </message>
    <message>
        <source>That status has no name in this language.</source>
        <translation>Цей статус не має назви цією мовою.</translation>
    </message>
    <message>
        <source>That order property value does not exist.</source>
        <translation>Такого значення властивості замовлення немає.</translation>
    </message>
    <message>
        <source>That shipment does not exist. Reload the order.</source>
        <translation>Такого відвантаження немає. Оновіть замовлення.</translation>
    </message>
    <message>
        <source>The order is not bound to that deal or invoice.</source>
        <translation>Замовлення не прив’язане до цієї угоди чи рахунку.</translation>
    </message>
    <message>
        <source>That deal does not exist. Check the deal number.</source>
        <translation>Такої угоди немає. Перевірте номер угоди.</translation>
    </message>
    <message>
        <source>The portal does not know this method. Check the address and scopes.</source>
        <translation>Портал не знає цього методу. Перевірте адресу і дозволи (scopes).</translation>
    </message>
    <message>
        <source>The online store module is not installed on this portal.</source>
        <translation>На цьому порталі не встановлено модуль інтернет-магазину.</translation>
    </message>
    <message>
        <source>The requested item does not exist.</source>
        <translation>Запитаного елемента не існує.</translation>
    </message>
    <message>
        <source>Choose the status type: O for orders or D for deliveries.</source>
        <translation>Оберіть тип статусу: O для замовлень або D для доставок.</translation>
    </message>
    <message>
        <source>System statuses N and F stay order statuses; DN, DF delivery.</source>
        <translation>Системні статуси N і F лишаються статусами замовлень; DN, DF — доставки.</translation>
    </message>
    <message>
        <source>System statuses N, F, DN and DF cannot be deleted.</source>
        <translation>Системні статуси N, F, DN і DF не можна видалити.</translation>
    </message>
    <message>
        <source>Orders or deliveries use this status, so its type cannot change.</source>
        <translation>Цей статус використовують замовлення чи доставки, тож його тип не можна змінити.</translation>
    </message>
    <message>
        <source>A status with this id already exists. Pick another id.</source>
        <translation>Статус з таким id вже існує. Оберіть інший id.</translation>
    </message>
    <message>
        <source>The status id must be one or two letters or digits.</source>
        <translation>Id статусу — одна чи дві літери або цифри.</translation>
    </message>
    <message>
        <source>This status already has a name in that language.</source>
        <translation>Цей статус уже має назву цією мовою.</translation>
    </message>
    <message>
        <source>The portal does not know this language.</source>
        <translation>Портал не знає цієї мови.</translation>
    </message>
    <message>
        <source>Fill in the required fields.</source>
        <translation>Заповніть обов’язкові поля.</translation>
    </message>
    <message>
        <source>A required value is missing.</source>
        <translation>Бракує обов’язкового значення.</translation>
    </message>
    <message>
        <source>The portal requires HTTPS. Use an https:// address.</source>
        <translation>Портал вимагає HTTPS. Використовуйте адресу https://.</translation>
    </message>
    <message>
        <source>The portal rejected the values. Correct them and try again.</source>
        <translation>Портал відхилив значення. Виправте їх і спробуйте знову.</translation>
    </message>
    <message>
        <source>The order is already bound to that deal or invoice.</source>
        <translation>Замовлення вже прив’язане до цієї угоди чи рахунку.</translation>
    </message>
    <message>
        <source>The portal is busy (request limit). Try again in a minute.</source>
        <translation>Портал зайнятий (ліміт запитів). Спробуйте за хвилину.</translation>
    </message>
    <message>
        <source>This action used up its time budget. Try again in a few minutes.</source>
        <translation>Ця дія вичерпала свій ліміт часу. Спробуйте за кілька хвилин.</translation>
    </message>
    <message>
        <source>Bitrix24 blocked the REST API of this portal. Contact Bitrix24 support.</source>
        <translation>Bitrix24 заблокував REST API цього порталу. Зверніться до підтримки Bitrix24.</translation>
    </message>
    <message>
        <source>Too many commands in one batch.</source>
        <translation>Забагато команд в одному пакеті (batch).</translation>
    </message>
    <message>
        <source>This action cannot run inside a batch.</source>
        <translation>Цю дію не можна виконати в пакеті (batch).</translation>
    </message>
    <message>
        <source>Some of the changes failed. See the details.</source>
        <translation>Частина змін не вдалася. Дивіться подробиці.</translation>
    </message>
    <message>
        <source>This change was not sent because an earlier part failed. Try again.</source>
        <translation>Цю зміну не надіслано, бо попередня частина не вдалася. Спробуйте знову.</translation>
    </message>
    <message>
        <source>The portal was deleted or closed.</source>
        <translation>Портал видалено або закрито.</translation>
    </message>
    <message>
        <source>The portal sent an unreadable answer. Try again later.</source>
        <translation>Портал надіслав нечитабельну відповідь. Спробуйте пізніше.</translation>
    </message>
    <message>
        <source>The portal had an internal error. Try again later.</source>
        <translation>На порталі сталася внутрішня помилка. Спробуйте пізніше.</translation>
    </message>
    <message>
        <source>Something went wrong. See the log for details.</source>
        <translation>Щось пішло не так. Подробиці в журналі.</translation>
    </message>
</context>
<context>
    <name>PortalLinks</name>
    <message>
        <source>Open order {id}</source>
        <translation>Відкрити замовлення {id}</translation>
    </message>
    <message>
        <source>Open {kind} {id}</source>
        <translation>Відкрити {kind} {id}</translation>
    </message>
    <message>
        <source>in the portal</source>
        <translation>на порталі</translation>
    </message>
    <message>
        <source>deal</source>
        <translation>угоду</translation>
    </message>
    <message>
        <source>invoice</source>
        <translation>рахунок</translation>
    </message>
    <message>
        <source>old invoice</source>
        <translation>старий рахунок</translation>
    </message>
</context>
<context>
    <name>ProfileEditDialog</name>
    <message>
        <source>Edit profile {name}</source>
        <translation>Зміна профілю {name}</translation>
    </message>
    <message>
        <source>Add a connection profile</source>
        <translation>Новий профіль підключення</translation>
    </message>
    <message>
        <source>Inbound webhook</source>
        <translation>Вхідний вебхук</translation>
    </message>
    <message>
        <source>OAuth application</source>
        <translation>Застосунок OAuth</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>необов’язково</translation>
    </message>
    <message>
        <source>from the outgoing webhook&apos;s page</source>
        <translation>зі сторінки вихідного вебхука</translation>
    </message>
    <message>
        <source>Without the application token every incoming Bitrix24 event for this profile is rejected.</source>
        <translation>Без токена застосунку кожну вхідну подію Bitrix24 для цього профілю буде відхилено.</translation>
    </message>
    <message>
        <source>Secrets are saved in the system keyring only, never in a file.</source>
        <translation>Секрети зберігаються лише в системному сховищі паролів, ніколи у файлі.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Назва:</translation>
    </message>
    <message>
        <source>&amp;Portal URL:</source>
        <translation>&amp;URL порталу:</translation>
    </message>
    <message>
        <source>&amp;Sign-in:</source>
        <translation>&amp;Вхід:</translation>
    </message>
    <message>
        <source>&amp;Webhook URL:</source>
        <translation>URL ве&amp;бхука:</translation>
    </message>
    <message>
        <source>&amp;Client id:</source>
        <translation>&amp;Client id:</translation>
    </message>
    <message>
        <source>Client s&amp;ecret:</source>
        <translation>Client s&amp;ecret:</translation>
    </message>
    <message>
        <source>&amp;Access token:</source>
        <translation>&amp;Токен доступу:</translation>
    </message>
    <message>
        <source>&amp;Refresh token:</source>
        <translation>Токен &amp;оновлення:</translation>
    </message>
    <message>
        <source>Application &amp;token:</source>
        <translation>Токен &amp;застосунку:</translation>
    </message>
    <message>
        <source>&amp;Horoshop secret:</source>
        <translation>Секрет &amp;Horoshop:</translation>
    </message>
    <message>
        <source>a profile with this name exists</source>
        <translation>профіль з такою назвою вже є</translation>
    </message>
    <message>
        <source>The keyring cannot take secrets: {reason}</source>
        <translation>Сховище паролів не приймає секрети: {reason}</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Збереження…</translation>
    </message>
</context>
<context>
    <name>ProfileProblems</name>
    <message>
        <source>must be https://&lt;portal host&gt;[:port] (plain http only for loopback)</source>
        <translation>має бути https://&lt;portal host&gt;[:port] (простий http лише для loopback)</translation>
    </message>
    <message>
        <source>must look like https://&lt;portal host&gt;/rest/&lt;user id&gt;/&lt;code&gt;/ (http only for loopback)</source>
        <translation>має мати вигляд https://&lt;portal host&gt;/rest/&lt;user id&gt;/&lt;code&gt;/ (http лише для loopback)</translation>
    </message>
    <message>
        <source>must be https://&lt;OAuth server host&gt;[:port]/rest/ (plain http only for loopback)</source>
        <translation>має бути https://&lt;OAuth server host&gt;[:port]/rest/ (простий http лише для loopback)</translation>
    </message>
    <message>
        <source>profile name must be 1-64 letters, digits, &apos;_&apos; or &apos;-&apos;</source>
        <translation>назва профілю — від 1 до 64 літер, цифр, &apos;_&apos; або &apos;-&apos;</translation>
    </message>
    <message>
        <source>only for OAuth profiles</source>
        <translation>лише для профілів OAuth</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>не може бути порожнім</translation>
    </message>
    <message>
        <source>is required</source>
        <translation>обов’язкове поле</translation>
    </message>
    <message>
        <source>give both the access and the refresh token, or neither</source>
        <translation>вкажіть і токен доступу, і токен оновлення, або жодного</translation>
    </message>
    <message>
        <source>bad port: %1</source>
        <translation>неправильний порт: %1</translation>
    </message>
    <message>
        <source>bad host: %1</source>
        <translation>неправильний хост: %1</translation>
    </message>
    <message>
        <source>no user or password in the URL: %1</source>
        <translation>без користувача чи пароля в URL: %1</translation>
    </message>
    <message>
        <source>plain http is refused for non-loopback hosts: %1</source>
        <translation>простий http не дозволено для хостів поза loopback: %1</translation>
    </message>
    <message>
        <source>no path, query or fragment allowed: %1</source>
        <translation>шлях, запит чи фрагмент не дозволено: %1</translation>
    </message>
    <message>
        <source>no other path, query or fragment allowed: %1</source>
        <translation>інший шлях, запит чи фрагмент не дозволено: %1</translation>
    </message>
    <message>
        <source>not an inbound webhook URL: %1</source>
        <translation>це не URL вхідного вебхука: %1</translation>
    </message>
    <message>
        <source>the webhook is for %1, not the portal %2; use the webhook created on that portal</source>
        <translation>вебхук належить порталу %1, а не %2; використайте вебхук, створений на тому порталі</translation>
    </message>
</context>
<context>
    <name>ProfileTableModel</name>
    <message>
        <source>Default</source>
        <translation>Типовий</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Portal</source>
        <translation>Портал</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Вхід</translation>
    </message>
    <message>
        <source>Other domains</source>
        <translation>Інші домени</translation>
    </message>
    <message>
        <source>inbound webhook</source>
        <translation>вхідний вебхук</translation>
    </message>
    <message>
        <source>OAuth app</source>
        <translation>застосунок OAuth</translation>
    </message>
</context>
<context>
    <name>QueryBar</name>
    <message>
        <source>Filter: order:300 source:horoshop -state:rejected since:2h &quot;a phrase&quot;</source>
        <translation>Фільтр: order:300 source:horoshop -state:rejected since:2h &quot;фраза&quot;</translation>
    </message>
    <message>
        <source>The query was not run: %1</source>
        <translation>Запит не виконано: %1</translation>
    </message>
    <message>
        <source>Could not read this query: %1</source>
        <translation>Не вдалося прочитати запит: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 (and %n more)</source>
        <translation>
            <numerusform>%1 (і ще %n)</numerusform>
            <numerusform>%1 (і ще %n)</numerusform>
            <numerusform>%1 (і ще %n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueryNotes</name>
    <message>
        <source>order:%1 finds Horoshop order %1 and Bitrix24 order %1 (two different orders): write order:hs-%1 or order:b24-%1 for one of them</source>
        <translation>order:%1 знаходить замовлення Horoshop %1 і замовлення Bitrix24 %1 (це різні замовлення): напишіть order:hs-%1 або order:b24-%1, щоб вибрати одне з них</translation>
    </message>
</context>
<context>
    <name>RawTab</name>
    <message>
        <source>{size} bytes, not UTF-8 (first bad byte at {offset}): shown as hex.</source>
        <translation>{size} байтів, не UTF-8 (перший хибний байт на {offset}): показано в hex.</translation>
    </message>
    <message>
        <source>{size} bytes, UTF-8.</source>
        <translation>{size} байтів, UTF-8.</translation>
    </message>
    <message>
        <source>The body was empty.</source>
        <translation>Тіло було порожнім.</translation>
    </message>
    <message>
        <source>The sender sent {sent} bytes (Content-Length): before storing, the application token was replaced by its fingerprint (hmac:…) and other secrets by [redacted].</source>
        <translation>Відправник надіслав {sent} байтів (Content-Length): перед збереженням токен застосунку замінено його відбитком (hmac:…), а інші секрети — на [redacted].</translation>
    </message>
    <message>
        <source>Before storing, the application token was replaced by its fingerprint (hmac:…) and other secrets by [redacted].</source>
        <translation>Перед збереженням токен застосунку замінено його відбитком (hmac:…), а інші секрети — на [redacted].</translation>
    </message>
    <message>
        <source>Show all ({size} KB)</source>
        <translation>Показати все ({size} КБ)</translation>
    </message>
</context>
<context>
    <name>RefusalReasons</name>
    <message>
        <source>missing auth[application_token]</source>
        <translation>немає auth[application_token]</translation>
    </message>
    <message>
        <source>missing auth[domain]</source>
        <translation>немає auth[domain]</translation>
    </message>
    <message>
        <source>unknown Horoshop secret</source>
        <translation>невідомий секрет Horoshop</translation>
    </message>
    <message>
        <source>body is not an object</source>
        <translation>тіло не є об’єктом</translation>
    </message>
    <message>
        <source>JSON body is not an object</source>
        <translation>тіло JSON не є об’єктом</translation>
    </message>
    <message>
        <source>no event name</source>
        <translation>немає назви події</translation>
    </message>
    <message>
        <source>no order_id in the body</source>
        <translation>у тілі немає order_id</translation>
    </message>
    <message>
        <source>body not parsed</source>
        <translation>тіло не розібрано</translation>
    </message>
    <message>
        <source>no application token configured for profile %1</source>
        <translation>для профілю %1 не задано токен застосунку</translation>
    </message>
    <message>
        <source>wrong application token for profile %1</source>
        <translation>хибний токен застосунку для профілю %1</translation>
    </message>
    <message>
        <source>application token is right, but domain %1 does not belong to profile %2</source>
        <translation>токен застосунку правильний, але домен %1 не належить профілю %2</translation>
    </message>
    <message>
        <source>application token is right, but member_id does not match profile %1</source>
        <translation>токен застосунку правильний, але member_id не збігається з профілем %1</translation>
    </message>
    <message>
        <source>unknown profile %1</source>
        <translation>невідомий профіль %1</translation>
    </message>
    <message>
        <source>unsupported content type %1</source>
        <translation>непідтримуваний тип вмісту %1</translation>
    </message>
    <message>
        <source>body is not valid UTF-8 (byte %1)</source>
        <translation>тіло не є коректним UTF-8 (байт %1)</translation>
    </message>
    <message>
        <source>body is not valid JSON: %1</source>
        <translation>тіло не є коректним JSON: %1</translation>
    </message>
    <message>
        <source>body nests deeper than %1 levels</source>
        <translation>тіло вкладене глибше ніж на %1 рівнів</translation>
    </message>
    <message>
        <source>key nests deeper than %1 levels</source>
        <translation>ключ вкладений глибше ніж на %1 рівнів</translation>
    </message>
    <message>
        <source>more than %1 keys</source>
        <translation>понад %1 ключів</translation>
    </message>
    <message>
        <source>body larger than %1 bytes</source>
        <translation>тіло більше за %1 байтів</translation>
    </message>
    <message>
        <source>not a valid form body: %1</source>
        <translation>некоректне тіло форми: %1</translation>
    </message>
    <message>
        <source>%1 without data[FIELDS][ID]</source>
        <translation>%1 без data[FIELDS][ID]</translation>
    </message>
</context>
<context>
    <name>ResendDialog</name>
    <message>
        <source>Edit and resend event #{id}</source>
        <translation>Змінити й надіслати знову подію #{id}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Завантаження…</translation>
    </message>
    <message>
        <source>Another URL:</source>
        <translation>Інший URL:</translation>
    </message>
    <message>
        <source>Put this profile&apos;s secrets back where the event carried them (replay rules)</source>
        <translation>Повернути секрети цього профілю туди, де їх несла подія (правила повтору)</translation>
    </message>
    <message>
        <source>The application token will go to that URL: send only to endpoints you trust.</source>
        <translation>Токен застосунку піде на цей URL: надсилайте лише на адреси, яким довіряєте.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Надіслати</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрити</translation>
    </message>
    <message>
        <source>The answer appears here.</source>
        <translation>Тут з’явиться відповідь.</translation>
    </message>
    <message>
        <source>The console is still starting; close and try again.</source>
        <translation>Консоль ще запускається; закрийте і спробуйте знову.</translation>
    </message>
    <message>
        <source>Could not read event #{id}: {error}</source>
        <translation>Не вдалося прочитати подію #{id}: {error}</translation>
    </message>
    <message>
        <source>Event #{id} is no longer stored.</source>
        <translation>Подія #{id} більше не зберігається.</translation>
    </message>
    <message>
        <source>a form (PHP bracket keys)</source>
        <translation>форма (ключі з дужками PHP)</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Edit the payload of #{id} {event} as JSON; it is sent as {kind}, with the method, path and content type it came with.</source>
        <translation>Змініть вміст #{id} {event} як JSON; його буде надіслано як {kind}, з тими методом, шляхом і типом вмісту, з якими він надійшов.</translation>
    </message>
    <message>
        <source>This console&apos;s listener: {url}</source>
        <translation>Приймач цієї консолі: {url}</translation>
    </message>
    <message>
        <source>Line {line}, column {column}: </source>
        <translation>Рядок {line}, стовпець {column}: </translation>
    </message>
    <message>
        <source>Not sent. {where}{message}</source>
        <translation>Не надіслано. {where}{message}</translation>
    </message>
    <message>
        <source>Type a URL that starts with http:// or https://.</source>
        <translation>Введіть URL, що починається з http:// або https://.</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Надсилаю…</translation>
    </message>
    <message>
        <source>HTTP {status} from {url}</source>
        <translation>HTTP {status} від {url}</translation>
    </message>
    <message>
        <source>Refused: </source>
        <translation>Відхилено: </translation>
    </message>
    <message>
        <source>Stored as {event}, but as a copy of {original}: the listener took it for the same delivery, so the feed shows it only with dup:yes.</source>
        <translation>Збережено як {event}, але як копію {original}: приймач вважав її тією самою доставкою, тож стрічка показує її лише з dup:yes.</translation>
    </message>
    <message>
        <source>Stored as a new event: {event}.</source>
        <translation>Збережено як нову подію: {event}.</translation>
    </message>
    <message>
        <source>Not delivered: {error}</source>
        <translation>Не доставлено: {error}</translation>
    </message>
</context>
<context>
    <name>SavedViewListModel</name>
    <message>
        <source>All</source>
        <translation>Усі</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Відхилені</translation>
    </message>
    <message>
        <source>Malformed</source>
        <translation>Некоректні</translation>
    </message>
    <message>
        <source>Horoshop</source>
        <translation>Horoshop</translation>
    </message>
    <message>
        <source>Catch-up</source>
        <translation>Дозбирання</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Закріплені</translation>
    </message>
    <message>
        <source>every event (duplicates hidden)</source>
        <translation>усі події (без дублікатів)</translation>
    </message>
</context>
<context>
    <name>SavedViewsPanel</name>
    <message>
        <source>Views</source>
        <translation>Вибірки</translation>
    </message>
    <message>
        <source>&amp;Save current query as view…</source>
        <translation>&amp;Зберегти запит як вибірку…</translation>
    </message>
    <message>
        <source>&amp;Remove view “%1”</source>
        <translation>&amp;Видалити вибірку «%1»</translation>
    </message>
    <message>
        <source>“%1” is a built-in view and cannot be removed.</source>
        <translation>«%1» — вбудована вибірка, її не можна видалити.</translation>
    </message>
    <message>
        <source>Remove view</source>
        <translation>Видалити вибірку</translation>
    </message>
    <message>
        <source>Remove the view “%1”? Its events stay in the store.</source>
        <translation>Видалити вибірку «%1»? Її події залишаться у сховищі.</translation>
    </message>
    <message>
        <source>Save view</source>
        <translation>Зберегти вибірку</translation>
    </message>
    <message>
        <source>Name for the query “%1”:</source>
        <translation>Назва для запиту «%1»:</translation>
    </message>
    <message>
        <source>(everything)</source>
        <translation>(усе)</translation>
    </message>
    <message>
        <source>Could not save the views: %1</source>
        <translation>Не вдалося зберегти вибірки: %1</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <source>Show</source>
        <translation>Показати</translation>
    </message>
    <message>
        <source>Show or hide what is typed</source>
        <translation>Показати або сховати введене</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Сховати</translation>
    </message>
</context>
<context>
    <name>SelfTest</name>
    <message>
        <source>b24-console self-test</source>
        <translation>Самоперевірка b24-console</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>As in the system</source>
        <translation>Як у системі</translation>
    </message>
    <message>
        <source>Listener: where events arrive</source>
        <translation>Приймач: куди надходять події</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Хост</translation>
    </message>
    <message>
        <source>Address the listener binds; 127.0.0.1 accepts only this computer, 0.0.0.0 every network (needs --public).</source>
        <translation>Адреса, яку слухає приймач; 127.0.0.1 приймає лише з цього комп’ютера, 0.0.0.0 — з усіх мереж (потрібен --public).</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>TCP port of the listener; 0 picks a free one.</source>
        <translation>TCP-порт приймача; 0 — вибрати вільний.</translation>
    </message>
    <message>
        <source>Max body bytes</source>
        <translation>Найбільше тіло, байтів</translation>
    </message>
    <message>
        <source>Largest request body accepted, in bytes.</source>
        <translation>Найбільше тіло запиту, яке приймається, у байтах.</translation>
    </message>
    <message>
        <source>Max depth</source>
        <translation>Найбільша вкладеність</translation>
    </message>
    <message>
        <source>Deepest nesting accepted in a payload.</source>
        <translation>Найглибша вкладеність, яка приймається у вмісті.</translation>
    </message>
    <message>
        <source>Max keys</source>
        <translation>Найбільше ключів</translation>
    </message>
    <message>
        <source>Most keys accepted in one payload.</source>
        <translation>Найбільша кількість ключів в одному вмісті.</translation>
    </message>
    <message>
        <source>Idle timeout seconds</source>
        <translation>Простій з’єднання, секунд</translation>
    </message>
    <message>
        <source>Seconds a connection may idle before it is closed.</source>
        <translation>Скільки секунд з’єднання може простоювати, перш ніж його закрито.</translation>
    </message>
    <message>
        <source>Body timeout seconds</source>
        <translation>Очікування тіла, секунд</translation>
    </message>
    <message>
        <source>Seconds a request body may take to arrive.</source>
        <translation>Скільки секунд може надходити тіло запиту.</translation>
    </message>
    <message>
        <source>Max connections</source>
        <translation>Найбільше з’єднань</translation>
    </message>
    <message>
        <source>Open connections at once (no limit: from the OS).</source>
        <translation>Відкритих з’єднань одночасно (без обмеження: за ОС).</translation>
    </message>
    <message>
        <source>Max connections per address</source>
        <translation>Найбільше з’єднань з адреси</translation>
    </message>
    <message>
        <source>Connections at once from one address when public; requests at once from one sender behind a trusted proxy.</source>
        <translation>З’єднань одночасно з однієї адреси в публічному режимі; запитів одночасно від одного відправника за довіреним проксі.</translation>
    </message>
    <message>
        <source>Commit timeout seconds</source>
        <translation>Час на збереження, секунд</translation>
    </message>
    <message>
        <source>Seconds an event may wait for its commit before 503.</source>
        <translation>Скільки секунд подія може чекати на збереження, перш ніж отримати відповідь 503.</translation>
    </message>
    <message>
        <source>Public url</source>
        <translation>Публічна адреса</translation>
    </message>
    <message>
        <source>The public HTTPS address a reverse proxy serves the listener at (https://events.example.com): the handler URLs to register are shown with it.</source>
        <translation>Публічна HTTPS-адреса, за якою зворотний проксі віддає слухача (https://events.example.com): з нею показуються адреси обробників для реєстрації.</translation>
    </message>
    <message>
        <source>Catch-up: polling for missed orders</source>
        <translation>Дозбирання: опитування пропущених замовлень</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Увімкнено</translation>
    </message>
    <message>
        <source>Poll the portal for orders whose events never arrived.</source>
        <translation>Опитувати портал про замовлення, події яких не надійшли.</translation>
    </message>
    <message>
        <source>Interval seconds</source>
        <translation>Інтервал, секунд</translation>
    </message>
    <message>
        <source>Seconds between two catch-up polls.</source>
        <translation>Секунд між двома опитуваннями дозбирання.</translation>
    </message>
    <message>
        <source>Retention: how long events are kept</source>
        <translation>Зберігання: скільки зберігаються події</translation>
    </message>
    <message>
        <source>Max age days</source>
        <translation>Найбільший вік, днів</translation>
    </message>
    <message>
        <source>Remove unpinned events older than this many days.</source>
        <translation>Видаляти незакріплені події, старші за стільки днів.</translation>
    </message>
    <message>
        <source>Max count</source>
        <translation>Найбільша кількість</translation>
    </message>
    <message>
        <source>Keep at most this many unpinned events.</source>
        <translation>Зберігати не більше стількох незакріплених подій.</translation>
    </message>
    <message>
        <source>Window: warnings and notifications</source>
        <translation>Вікно: попередження і сповіщення</translation>
    </message>
    <message>
        <source>Silence warning minutes</source>
        <translation>Попередження про тишу, хвилин</translation>
    </message>
    <message>
        <source>Warn when no verified event arrived for this many minutes.</source>
        <translation>Попереджати, коли стільки хвилин не надійшло жодної перевіреної події.</translation>
    </message>
    <message>
        <source>Notify new orders</source>
        <translation>Сповіщати про нові замовлення</translation>
    </message>
    <message>
        <source>A desktop notification for each new verified order event.</source>
        <translation>Сповіщення на робочому столі про кожну нову перевірену подію замовлення.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Мова</translation>
    </message>
    <message>
        <source>Interface language (applies after a restart).</source>
        <translation>Мова інтерфейсу (діє після перезапуску).</translation>
    </message>
    <message>
        <source>Store url</source>
        <translation>Сховище подій (URL)</translation>
    </message>
    <message>
        <source>The event store: sqlite:///path (none: the local file) or postgresql://user@host:5432/db for a team&apos;s shared database.</source>
        <translation>Сховище подій: sqlite:///шлях (порожньо: локальний файл) або postgresql://user@host:5432/db для спільної бази даних команди.</translation>
    </message>
    <message>
        <source>Default profile</source>
        <translation>Типовий профіль</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <source>Who the change log names as the operator (none: OS user).</source>
        <translation>Кого журнал змін називає оператором (порожньо: користувач ОС).</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Налаштування</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Загальні</translation>
    </message>
    <message>
        <source> (applies after a restart)</source>
        <translation> (діє після перезапуску)</translation>
    </message>
    <message>
        <source>Restart b24-console for these changes to apply: {sections}.</source>
        <translation>Перезапустіть b24-console, щоб ці зміни набули чинності: {sections}.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Збереження…</translation>
    </message>
    <message>
        <source>Could not save the settings: {error}</source>
        <translation>Не вдалося зберегти налаштування: {error}</translation>
    </message>
</context>
<context>
    <name>ShipmentTableModel</name>
    <message>
        <source>Shipment</source>
        <translation>Відвантаження</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Доставка</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>Трек-номер</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Ціна</translation>
    </message>
</context>
<context>
    <name>ShortcutTableModel</name>
    <message>
        <source>Action</source>
        <translation>Дія</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Клавіші</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Гарячі клавіші</translation>
    </message>
</context>
<context>
    <name>StatusEditDialog</name>
    <message>
        <source>Edit status {id}</source>
        <translation>Зміна статусу {id}</translation>
    </message>
    <message>
        <source>Add a status</source>
        <translation>Новий статус</translation>
    </message>
    <message>
        <source>one or two Latin letters or digits</source>
        <translation>одна чи дві латинські літери або цифри</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Доставка</translation>
    </message>
    <message>
        <source>Notify the customer on this status</source>
        <translation>Повідомляти покупця про цей статус</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Вибрати…</translation>
    </message>
    <message>
        <source>Add language</source>
        <translation>Додати мову</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Видалити</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;Id:</translation>
    </message>
    <message>
        <source>&amp;Type:</source>
        <translation>&amp;Тип:</translation>
    </message>
    <message>
        <source>&amp;Sort:</source>
        <translation>&amp;Сортування:</translation>
    </message>
    <message>
        <source>&amp;Colour:</source>
        <translation>&amp;Колір:</translation>
    </message>
    <message>
        <source>&amp;xmlId:</source>
        <translation>&amp;xmlId:</translation>
    </message>
    <message>
        <source>Names per language:</source>
        <translation>Назви за мовами:</translation>
    </message>
    <message>
        <source>Status colour</source>
        <translation>Колір статусу</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Збереження…</translation>
    </message>
</context>
<context>
    <name>StatusTableModel</name>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Тип</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Назва</translation>
    </message>
    <message>
        <source>Notify</source>
        <translation>Повідомляти</translation>
    </message>
    <message>
        <source>Sort</source>
        <translation>Сортування</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Колір</translation>
    </message>
    <message>
        <source>xmlId</source>
        <translation>xmlId</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Системний</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Доставка</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>так</translation>
    </message>
    <message>
        <source>no</source>
        <translation>ні</translation>
    </message>
    <message>
        <source>system</source>
        <translation>системний</translation>
    </message>
    <message>
        <source>Language id</source>
        <translation>Id мови</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Мова</translation>
    </message>
</context>
<context>
    <name>StatusesPage</name>
    <message>
        <source>All types</source>
        <translation>Усі типи</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Замовлення</translation>
    </message>
    <message>
        <source>Delivery</source>
        <translation>Доставка</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Додати…</translation>
    </message>
    <message>
        <source>Ed&amp;it…</source>
        <translation>&amp;Змінити…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Видалити…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Оновити</translation>
    </message>
    <message>
        <source>Statuses</source>
        <translation>Статуси</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Профіль:</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>По&amp;казати:</translation>
    </message>
    <message>
        <source>No profile: add one on the Connections page.</source>
        <translation>Немає профілю: додайте його на сторінці «Підключення».</translation>
    </message>
    <message>
        <source>Reading the statuses from {profile}…</source>
        <translation>Читаю статуси з {profile}…</translation>
    </message>
    <message numerus="yes">
        <source>%n statuses. Enter or double-click edits; Delete removes.</source>
        <translation>
            <numerusform>%n статус. Enter або подвійне клацання — змінити; Delete — видалити.</numerusform>
            <numerusform>%n статуси. Enter або подвійне клацання — змінити; Delete — видалити.</numerusform>
            <numerusform>%n статусів. Enter або подвійне клацання — змінити; Delete — видалити.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not read the statuses: {error}</source>
        <translation>Не вдалося прочитати статуси: {error}</translation>
    </message>
    <message>
        <source>System statuses cannot be deleted.</source>
        <translation>Системні статуси не можна видалити.</translation>
    </message>
    <message>
        <source>Status {id} saved.</source>
        <translation>Статус {id} збережено.</translation>
    </message>
    <message>
        <source>{id} is a system status: the portal does not let it be deleted.</source>
        <translation>{id} — системний статус: портал не дозволяє його видалити.</translation>
    </message>
    <message>
        <source>Delete status {id} ({name}) from the portal?</source>
        <translation>Видалити статус {id} ({name}) з порталу?</translation>
    </message>
    <message>
        <source>Delete status</source>
        <translation>Видалити статус</translation>
    </message>
    <message>
        <source>Deleting {id}…</source>
        <translation>Видаляю {id}…</translation>
    </message>
    <message>
        <source>Status {id} deleted.</source>
        <translation>Статус {id} видалено.</translation>
    </message>
    <message>
        <source>Could not delete {id}: {error}</source>
        <translation>Не вдалося видалити {id}: {error}</translation>
    </message>
</context>
<context>
    <name>StorePasswordDialog</name>
    <message>
        <source>Team database password</source>
        <translation>Пароль командної бази даних</translation>
    </message>
    <message>
        <source>The team database %1 needs the password of the login %2. It is checked with the database and then saved in the system keyring, where the listener and every command find it.</source>
        <translation>Командна база даних %1 потребує пароля користувача %2. Його буде перевірено базою даних і збережено в системному сховищі ключів, де його знайдуть слухач і кожна команда.</translation>
    </message>
    <message>
        <source>(the default user)</source>
        <translation>(типовий користувач)</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Password of the team database</source>
        <translation>Пароль командної бази даних</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Під’єднатися</translation>
    </message>
    <message>
        <source>Type the password first.</source>
        <translation>Спершу введіть пароль.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Перевірка…</translation>
    </message>
    <message>
        <source>The database refused this password (or the login %1). Try again.</source>
        <translation>База даних відхилила цей пароль (або користувача %1). Спробуйте ще раз.</translation>
    </message>
    <message>
        <source>The database took the password, but the keyring could not save it: %1</source>
        <translation>База даних прийняла пароль, але сховище ключів не змогло його зберегти: %1</translation>
    </message>
    <message>
        <source>The password could not be checked: %1</source>
        <translation>Не вдалося перевірити пароль: %1</translation>
    </message>
</context>
<context>
    <name>TeamStatus</name>
    <message>
        <source>No listener running</source>
        <translation>Жоден слухач не працює</translation>
    </message>
    <message>
        <source>%1 (polling %2)</source>
        <translation>%1 (опитує %2)</translation>
    </message>
    <message>
        <source>Listeners: %1</source>
        <translation>Слухачі: %1</translation>
    </message>
    <message>
        <source>no address</source>
        <translation>без адреси</translation>
    </message>
    <message>
        <source>%1 (pid %2) listening on %3, seen %4 s ago</source>
        <translation>%1 (pid %2) слухає на %3, востаннє %4 с тому</translation>
    </message>
    <message>
        <source>%1 on %2 (pid %3), seen %4 s ago</source>
        <translation>%1 на %2 (pid %3), востаннє %4 с тому</translation>
    </message>
    <message>
        <source>Team: …</source>
        <translation>Команда: …</translation>
    </message>
    <message>
        <source>Listeners: …</source>
        <translation>Слухачі: …</translation>
    </message>
    <message>
        <source>Local store</source>
        <translation>Локальне сховище</translation>
    </message>
    <message>
        <source>Events are kept in %1 on this computer</source>
        <translation>Події зберігаються в %1 на цьому комп’ютері</translation>
    </message>
    <message>
        <source>Team database %1</source>
        <translation>Командна база даних %1</translation>
    </message>
    <message>
        <source>Every operator&apos;s window shows the events kept in %1</source>
        <translation>Вікно кожного оператора показує події, збережені в %1</translation>
    </message>
    <message>
        <source>Team database unreachable since %1 — the feed is stale</source>
        <translation>Командна база даних недоступна з %1 — стрічка застаріла</translation>
    </message>
    <message>
        <source>The connection to %1 was lost. The feed keeps what it shows but misses new events until the database answers again; then it fills in what it missed.</source>
        <translation>З’єднання з %1 втрачено. Стрічка зберігає те, що показує, але не отримує нових подій, доки база даних не відповість знову; тоді вона доповнить пропущене.</translation>
    </message>
    <message>
        <source>No listener of the team has been heard from: events are not received</source>
        <translation>Від жодного слухача команди немає звісток: події не приймаються</translation>
    </message>
    <message>
        <source>No one else connected</source>
        <translation>Більше ніхто не під’єднаний</translation>
    </message>
    <message>
        <source>No other window is on this database now</source>
        <translation>Зараз жодне інше вікно не працює з цією базою даних</translation>
    </message>
    <message numerus="yes">
        <source>%n other(s) connected</source>
        <translation>
            <numerusform>%n інший під’єднаний</numerusform>
            <numerusform>%n інших під’єднані</numerusform>
            <numerusform>%n інших під’єднано</numerusform>
        </translation>
    </message>
    <message>
        <source>Also connected: %1</source>
        <translation>Також під’єднані: %1</translation>
    </message>
    <message>
        <source>Listeners: unknown</source>
        <translation>Слухачі: невідомо</translation>
    </message>
    <message>
        <source>Team: unknown</source>
        <translation>Команда: невідомо</translation>
    </message>
    <message>
        <source>Could not read who is connected: %1</source>
        <translation>Не вдалося прочитати, хто під’єднаний: %1</translation>
    </message>
</context>
<context>
    <name>TimelineDialog</name>
    <message>
        <source>What happened to {order}</source>
        <translation>Історія: {order}</translation>
    </message>
    <message>
        <source>Change order status…</source>
        <translation>Змінити статус замовлення…</translation>
    </message>
    <message>
        <source>Bind to deal…</source>
        <translation>Прив’язати до угоди…</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Horoshop order {id}</source>
        <translation>Замовлення Horoshop {id}</translation>
    </message>
    <message>
        <source>Bitrix24 order {id}</source>
        <translation>Замовлення Bitrix24 {id}</translation>
    </message>
    <message>
        <source>Order {id}</source>
        <translation>Замовлення {id}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Завантаження…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Оновити</translation>
    </message>
    <message>
        <source>The console is still starting; refresh in a moment.</source>
        <translation>Консоль ще запускається; оновіть за мить.</translation>
    </message>
    <message>
        <source>{order}: {n} entries, oldest first. Double-click one or press Enter to inspect it.</source>
        <translation>{order}: записів — {n}, від найстаріших. Подвійне клацання або Enter відкриває запис.</translation>
    </message>
    <message>
        <source>Only the newest events are shown: there are too many.</source>
        <translation>Показано лише найновіші події: їх забагато.</translation>
    </message>
    <message>
        <source>Property-value events could not be added (the portal did not answer: {error}).</source>
        <translation>Події значень властивостей не вдалося додати (портал не відповів: {error}).</translation>
    </message>
    <message>
        <source>Could not read the timeline: {error}</source>
        <translation>Не вдалося прочитати історію: {error}</translation>
    </message>
</context>
<context>
    <name>Untrusted</name>
    <message>
        <source>… (%n more characters)</source>
        <translation>… (ще символів: %n)</translation>
    </message>
</context>
<context>
    <name>WelcomePanel</name>
    <message>
        <source>&lt;b&gt;Welcome to b24-console&lt;/b&gt;</source>
        <translation>&lt;b&gt;Вітаємо в b24-console&lt;/b&gt;</translation>
    </message>
    <message>
        <source>No portal is connected yet, so no events can arrive. Events already in the store are listed below.</source>
        <translation>Жоден портал ще не підключено, тож події не надходитимуть. Події, що вже є у сховищі, показано нижче.</translation>
    </message>
    <message>
        <source>Connect a portal…</source>
        <translation>Підключити портал…</translation>
    </message>
    <message>
        <source>Try the demo</source>
        <translation>Спробувати демо</translation>
    </message>
    <message>
        <source>The demo could not be started. Run &lt;code&gt;b24-console --demo&lt;/code&gt;.</source>
        <translation>Не вдалося запустити демо. Виконайте &lt;code&gt;b24-console --demo&lt;/code&gt;.</translation>
    </message>
</context>
</TS>
