<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>AboutDialog</name>
    <message>
        <source>SQLite, this computer only: {path}</source>
        <translation>SQLite, solo en esta computadora: {path}</translation>
    </message>
    <message>
        <source>PostgreSQL, shared by the desks: {where}</source>
        <translation>PostgreSQL, compartida por los escritorios: {where}</translation>
    </message>
    <message>
        <source>installed build</source>
        <translation>versión instalada</translation>
    </message>
    <message>
        <source>Python source ({path})</source>
        <translation>código fuente de Python ({path})</translation>
    </message>
    <message>
        <source>About Orca Desk</source>
        <translation>Acerca de Orca Desk</translation>
    </message>
    <message>
        <source>&lt;b&gt;Orca Desk&lt;/b&gt; {version}</source>
        <translation>&lt;b&gt;Orca Desk&lt;/b&gt; {version}</translation>
    </message>
    <message>
        <source>Front-desk scheduling for orthodontic practices.</source>
        <translation>Agenda de recepción para clínicas de ortodoncia.</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <source>Running from</source>
        <translation>Se ejecuta desde</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <source>{qt} (PySide6 {pyside})</source>
        <translation>{qt} (PySide6 {pyside})</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Sistema</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Base de datos</translation>
    </message>
    <message>
        <source>Log folder</source>
        <translation>Carpeta de registros</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Copiar detalles</translation>
    </message>
    <message>
        <source>Copy these details for a support request</source>
        <translation>Copie estos detalles para una solicitud de soporte</translation>
    </message>
</context>
<context>
    <name>AdministrationScreen</name>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Appointment types</source>
        <translation>Tipos de cita</translation>
    </message>
    <message>
        <source>Staff users</source>
        <translation>Usuarios del personal</translation>
    </message>
    <message>
        <source>Only an administrator sees and manages staff users and roles.</source>
        <translation>Solo un administrador ve y administra los usuarios del personal y sus roles.</translation>
    </message>
    <message>
        <source>Read-only: only a manager or an administrator changes the clinic&apos;s set-up (you are signed in as {name}, {role}).</source>
        <translation>Solo lectura: solo un gerente o un administrador cambia la configuración de la clínica (sesión iniciada como {name}, {role}).</translation>
    </message>
    <message>
        <source>Nothing that appointments or history refer to is deleted: archive it, and restore it any time.</source>
        <translation>No se elimina nada a lo que se refieran citas o historial: archívelo y restáurelo cuando quiera.</translation>
    </message>
</context>
<context>
    <name>Analytics</name>
    <message>
        <source>Analytics are shown to staff who may view analytics (treatment coordinators, clinicians and managers). Ask a manager if you need these figures.</source>
        <translation>Los análisis se muestran al personal que puede verlos (coordinadores de tratamiento, clínicos y gerentes). Pida estas cifras a un gerente si las necesita.</translation>
    </message>
</context>
<context>
    <name>AnalyticsPanel</name>
    <message>
        <source>Which step gets the answer (last 90 days)</source>
        <translation>Qué paso obtiene la respuesta (últimos 90 días)</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>Secuencia</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviados</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregados</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Respuestas</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Confirmado</translation>
    </message>
    <message>
        <source>Share of answers</source>
        <translation>Parte de las respuestas</translation>
    </message>
    <message>
        <source>No reminders sent in the last 90 days: the sequences above send them before booked visits.</source>
        <translation>No se enviaron recordatorios en los últimos 90 días: las secuencias de arriba los envían antes de las visitas reservadas.</translation>
    </message>
    <message>
        <source>By type / location</source>
        <translation>Por tipo / ubicación</translation>
    </message>
    <message>
        <source>Asked</source>
        <translation>Consultados</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Tasa</translation>
    </message>
    <message>
        <source>No confirmations asked yet: a reminder asking for a YES counts here.</source>
        <translation>Aún no se pidieron confirmaciones: aquí cuenta un recordatorio que pide un SÍ.</translation>
    </message>
    <message>
        <source>Answers by reminder step</source>
        <translation>Respuestas por paso de recordatorio</translation>
    </message>
    <message>
        <source>Per reminder step in the last 90 days: sent, delivered, answers and confirmations</source>
        <translation>Por paso de recordatorio en los últimos 90 días: enviados, entregados, respuestas y confirmaciones</translation>
    </message>
    <message>
        <source>Confirmation rates</source>
        <translation>Tasas de confirmación</translation>
    </message>
    <message>
        <source>How many families confirmed when asked, by visit type and by location</source>
        <translation>Cuántas familias confirmaron cuando se les pidió, por tipo de cita y por ubicación</translation>
    </message>
    <message>
        <source>no reminders sent yet</source>
        <translation>aún no se enviaron recordatorios</translation>
    </message>
    <message>
        <source>Fill rate of applied slots</source>
        <translation>Ocupación de los espacios aplicados</translation>
    </message>
    <message>
        <source>Slots</source>
        <translation>Espacios</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservados</translation>
    </message>
    <message>
        <source>Fill rate</source>
        <translation>Ocupación</translation>
    </message>
    <message>
        <source>No applied slots yet: Apply to dates… puts a template on the calendar.</source>
        <translation>Aún no hay espacios aplicados: Aplicar a fechas… pone una plantilla en el calendario.</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versión</translation>
    </message>
    <message>
        <source>Applications</source>
        <translation>Aplicaciones</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>Fechas</translation>
    </message>
    <message>
        <source>This template was never applied: Apply to dates… puts it on the calendar.</source>
        <translation>Esta plantilla nunca se aplicó: Aplicar a fechas… la pone en el calendario.</translation>
    </message>
    <message>
        <source>How many of the template&apos;s applied slots were booked, by weekday and time of day</source>
        <translation>Cuántos de los espacios aplicados de la plantilla se reservaron, por día de la semana y hora del día</translation>
    </message>
    <message>
        <source>Where and when it was applied</source>
        <translation>Dónde y cuándo se aplicó</translation>
    </message>
    <message>
        <source>Each version of the template: how often, where, by whom and on which dates it was applied</source>
        <translation>Cada versión de la plantilla: cuántas veces, dónde, por quién y en qué fechas se aplicó</translation>
    </message>
    <message>
        <source>&lt;b&gt;Where and when it was applied&lt;/b&gt;</source>
        <translation>&lt;b&gt;Dónde y cuándo se aplicó&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Analytics not loaded</source>
        <translation>No se cargaron los análisis</translation>
    </message>
    <message>
        <source>&lt;b&gt;{booked:,} of {slots:,}&lt;/b&gt; bookable slots booked ({rate:.0%}); {matched_type:,} booked with the slot&apos;s intended type ({match_rate:.0%} of booked).</source>
        <translation>&lt;b&gt;{booked:,} de {slots:,}&lt;/b&gt; espacios reservables ocupados ({rate:.0%}); {matched_type:,} reservados con el tipo previsto del espacio ({match_rate:.0%} de los reservados).</translation>
    </message>
    <message>
        <source>Fill rate %</source>
        <translation>Ocupación %</translation>
    </message>
</context>
<context>
    <name>ApiKeysTab</name>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clave</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Último uso</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation>Permisos</translation>
    </message>
    <message>
        <source>No API keys yet: make one below for each integration.</source>
        <translation>Aún no hay claves de API: cree una abajo para cada integración.</translation>
    </message>
    <message>
        <source>Revoke selected key…</source>
        <translation>Revocar la clave seleccionada…</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>Claves de API</translation>
    </message>
    <message>
        <source>The keys other systems use to call the clinic API, when each was last used, what it may do</source>
        <translation>Las claves que usan otros sistemas para llamar a la API de la clínica, cuándo se usó cada una por última vez y qué puede hacer</translation>
    </message>
    <message>
        <source>Stop the selected key working at once</source>
        <translation>Desactivar de inmediato la clave seleccionada</translation>
    </message>
    <message>
        <source>Other systems call the clinic API (/api/v1 on the patient-link gateway) with these keys. Every call is audited; a revoked key stops working at once.</source>
        <translation>Otros sistemas llaman a la API de la clínica (/api/v1 en la pasarela de enlaces para pacientes) con estas claves. Cada llamada queda auditada; una clave revocada deja de funcionar de inmediato.</translation>
    </message>
    <message>
        <source>Only an administrator can make or revoke API keys.</source>
        <translation>Solo un administrador puede crear o revocar claves de API.</translation>
    </message>
    <message>
        <source>What the key is for, e.g. Practice website</source>
        <translation>Para qué es la clave, p. ej. Sitio web de la clínica</translation>
    </message>
    <message>
        <source>Create key</source>
        <translation>Crear clave</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Make a key with the name and scopes chosen above</source>
        <translation>Crear una clave con el nombre y los permisos elegidos arriba</translation>
    </message>
    <message>
        <source>The new key, shown only once; copy it now</source>
        <translation>La clave nueva, que se muestra una sola vez; cópiela ahora</translation>
    </message>
    <message>
        <source>Copy the new key to the clipboard</source>
        <translation>Copiar la clave nueva al portapapeles</translation>
    </message>
    <message>
        <source>Copy the key now: it is stored only as a hash and is not shown again.</source>
        <translation>Copie la clave ahora: solo se guarda como hash y no se vuelve a mostrar.</translation>
    </message>
    <message>
        <source>New key</source>
        <translation>Clave nueva</translation>
    </message>
    <message>
        <source>Scopes (what the integration may do)</source>
        <translation>Permisos (lo que puede hacer la integración)</translation>
    </message>
    <message>
        <source>active</source>
        <translation>activa</translation>
    </message>
    <message>
        <source>revoked {0}</source>
        <translation>revocada {0}</translation>
    </message>
    <message>
        <source>Key not created</source>
        <translation>Clave no creada</translation>
    </message>
    <message>
        <source>Select an active key to revoke.</source>
        <translation>Seleccione una clave activa para revocarla.</translation>
    </message>
    <message>
        <source>Revoke API key</source>
        <translation>Revocar clave de API</translation>
    </message>
    <message>
        <source>Revoke “{0}”? Calls with it stop working at once.</source>
        <translation>¿Revocar “{0}”? Las llamadas con ella dejan de funcionar de inmediato.</translation>
    </message>
    <message>
        <source>Key not revoked</source>
        <translation>Clave no revocada</translation>
    </message>
</context>
<context>
    <name>AppearanceBox</name>
    <message>
        <source>This desk</source>
        <translation>Este escritorio</translation>
    </message>
    <message>
        <source>Standard</source>
        <translation>Estándar</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Alto contraste</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Tema</translation>
    </message>
    <message>
        <source>The colours of this desk&apos;s screens</source>
        <translation>Los colores de las pantallas de este escritorio</translation>
    </message>
    <message>
        <source>High contrast: black on white, strong outlines and focus. Text follows the system&apos;s size. Kept on this computer only.</source>
        <translation>Alto contraste: negro sobre blanco, contornos y foco marcados. El texto sigue el tamaño del sistema. Se guarda solo en esta computadora.</translation>
    </message>
</context>
<context>
    <name>ApplyDialog</name>
    <message>
        <source>Apply {name} v{version}</source>
        <translation>Aplicar {name} v{version}</translation>
    </message>
    <message>
        <source>Optional for one provider with usual chairs (Administration → Providers); else the template&apos;s chairs, in the order of its lanes</source>
        <translation>Opcional para un profesional con sillones habituales (Administración → Profesionales); si no, los sillones de la plantilla, en el orden de sus carriles</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Weekdays</source>
        <translation>Días de la semana</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>Reemplazar</translation>
    </message>
    <message>
        <source>— apply as a new application —</source>
        <translation>— aplicar como una nueva aplicación —</translation>
    </message>
    <message>
        <source>Replace #{id}: v{version_number}, {start_day} – {end_day}, {open_count} open</source>
        <translation>Reemplazar #{id}: v{version_number}, {start_day} – {end_day}, {open_count} abiertos</translation>
    </message>
    <message>
        <source>Preview (dry run)</source>
        <translation>Vista previa (simulación)</translation>
    </message>
    <message>
        <source>Choose providers and dates, then preview.</source>
        <translation>Elija profesionales y fechas; luego vea la vista previa.</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Crear</translation>
    </message>
    <message>
        <source>Skipped: booked</source>
        <translation>Omitido: reservado</translation>
    </message>
    <message>
        <source>Skipped: off</source>
        <translation>Omitido: libre</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Not previewed</source>
        <translation>Sin vista previa</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b3261e&apos;&gt;{value}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b3261e&apos;&gt;{value}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Applying the template…</source>
        <translation>Aplicando la plantilla…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Applying</source>
        <translation>Aplicando</translation>
    </message>
    <message>
        <source>Not applied</source>
        <translation>No aplicado</translation>
    </message>
    <message>
        <source>Applying the template… {done} of {total} days</source>
        <translation>Aplicando la plantilla… {done} de {total} días</translation>
    </message>
    <message>
        <source>&lt;span style=&apos;color:#b3261e&apos;&gt;Not applied: {value}&lt;/span&gt;</source>
        <translation>&lt;span style=&apos;color:#b3261e&apos;&gt;No aplicado: {value}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>{state} {created:,} slots created over {days_done} of {days_total} days.</source>
        <translation>{state} {created:,} espacios creados en {days_done} de {days_total} días.</translation>
    </message>
</context>
<context>
    <name>AppointmentCardDialog</name>
    <message>
        <source>not confirmed yet</source>
        <translation>aún sin confirmar</translation>
    </message>
    <message>
        <source>confirmation requested</source>
        <translation>confirmación solicitada</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>confirmada</translation>
    </message>
    <message>
        <source>declined by the family</source>
        <translation>rechazada por la familia</translation>
    </message>
    <message>
        <source>family asked for a call</source>
        <translation>la familia pidió una llamada</translation>
    </message>
    <message>
        <source>Patient &amp;&amp; family</source>
        <translation>Paciente y familia</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Edad</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Guardian</source>
        <translation>Tutor</translation>
    </message>
    <message>
        <source>Guardian&apos;s phone</source>
        <translation>Teléfono del tutor</translation>
    </message>
    <message>
        <source>Texts go to</source>
        <translation>Los mensajes van a</translation>
    </message>
    <message>
        <source>Series</source>
        <translation>Serie</translation>
    </message>
    <message>
        <source>Notes for this visit (what to bring, who comes, …)</source>
        <translation>Notas para esta visita (qué traer, quién viene, …)</translation>
    </message>
    <message>
        <source>Notes for this visit; Save notes or Ctrl+S keeps them</source>
        <translation>Notas de esta cita; Guardar notas o Ctrl+S las guarda</translation>
    </message>
    <message>
        <source>N&amp;otes</source>
        <translation>N&amp;otas</translation>
    </message>
    <message>
        <source>&amp;Save notes</source>
        <translation>&amp;Guardar notas</translation>
    </message>
    <message>
        <source>Save the notes (Ctrl+S)</source>
        <translation>Guardar las notas (Ctrl+S)</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Quién</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>No changes recorded yet.</source>
        <translation>Aún no hay cambios registrados.</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;Historial</translation>
    </message>
    <message>
        <source>Every change to this visit: when, who and what</source>
        <translation>Cada cambio de esta cita: cuándo, quién y qué</translation>
    </message>
    <message>
        <source>Confirmation &amp;&amp; messa&amp;ges</source>
        <translation>Confirmación y mensa&amp;jes</translation>
    </message>
    <message>
        <source>To / from</source>
        <translation>Para / de</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No messages about this visit yet: Text family… writes one.</source>
        <translation>Aún no hay mensajes sobre esta visita: Enviar mensaje a la familia… escribe uno.</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Texts and emails about this visit, sent and received, with their status</source>
        <translation>Mensajes de texto y correos sobre esta cita, enviados y recibidos, con su estado</translation>
    </message>
    <message>
        <source>&amp;Confirm</source>
        <translation>&amp;Confirmar</translation>
    </message>
    <message>
        <source>The family confirmed</source>
        <translation>La familia confirmó</translation>
    </message>
    <message>
        <source>&amp;Move…</source>
        <translation>&amp;Mover…</translation>
    </message>
    <message>
        <source>Pick a new date, time and chair</source>
        <translation>Elegir nueva fecha, hora y sillón</translation>
    </message>
    <message>
        <source>&amp;Reschedule…</source>
        <translation>&amp;Reprogramar…</translation>
    </message>
    <message>
        <source>Find the next openings for this visit</source>
        <translation>Buscar los próximos espacios libres para esta visita</translation>
    </message>
    <message>
        <source>Cance&amp;l visit…</source>
        <translation>Cance&amp;lar visita…</translation>
    </message>
    <message>
        <source>Asks the reason</source>
        <translation>Pregunta el motivo</translation>
    </message>
    <message>
        <source>&amp;No-show</source>
        <translation>&amp;No se presentó</translation>
    </message>
    <message>
        <source>The patient did not come; a recovery case may open</source>
        <translation>El paciente no vino; puede abrirse un caso de recuperación</translation>
    </message>
    <message>
        <source>Open s&amp;eries…</source>
        <translation>Abrir s&amp;erie…</translation>
    </message>
    <message>
        <source>See and change the series this visit is part of</source>
        <translation>Ver y cambiar la serie a la que pertenece esta cita</translation>
    </message>
    <message>
        <source>&amp;Text family…</source>
        <translation>Enviar mensaje a la &amp;familia…</translation>
    </message>
    <message>
        <source>A one-off text about this visit (consent is checked)</source>
        <translation>Un mensaje único sobre esta visita (se verifica el consentimiento)</translation>
    </message>
    <message>
        <source>&amp;Print card…</source>
        <translation>&amp;Imprimir tarjeta…</translation>
    </message>
    <message>
        <source>A card for the family with the date, time and place</source>
        <translation>Una tarjeta para la familia con la fecha, la hora y el lugar</translation>
    </message>
    <message>
        <source>P&amp;atient card…</source>
        <translation>Fich&amp;a del paciente…</translation>
    </message>
    <message>
        <source>The patient&apos;s details, visits and consent</source>
        <translation>Los datos, las citas y el consentimiento del paciente</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Close the card (Esc)</source>
        <translation>Cerrar la tarjeta (Esc)</translation>
    </message>
    <message>
        <source>Appointment: {0}</source>
        <translation>Cita: {0}</translation>
    </message>
    <message>
        <source>Status: {0}</source>
        <translation>Estado: {0}</translation>
    </message>
    <message>
        <source>, late</source>
        <translation>, tarde</translation>
    </message>
    <message>
        <source>Confirmation: {0}</source>
        <translation>Confirmación: {0}</translation>
    </message>
    <message>
        <source>{0} (born {1})</source>
        <translation>{0} (nació {1})</translation>
    </message>
    <message>
        <source>date of birth not recorded</source>
        <translation>fecha de nacimiento no registrada</translation>
    </message>
    <message>
        <source>none recorded</source>
        <translation>ninguno registrado</translation>
    </message>
    <message>
        <source>texts allowed</source>
        <translation>acepta mensajes de texto</translation>
    </message>
    <message>
        <source>no consent to text</source>
        <translation>sin consentimiento para mensajes de texto</translation>
    </message>
    <message>
        <source>not part of a series</source>
        <translation>no forma parte de una serie</translation>
    </message>
    <message>
        <source>Confirmation: {0}.</source>
        <translation>Confirmación: {0}.</translation>
    </message>
    <message>
        <source>Last asked {0} by {1} to {2}</source>
        <translation>Última consulta {0} por {1} a {2}</translation>
    </message>
    <message>
        <source>, answered “{0}” by {1}</source>
        <translation>, respondió “{0}” {1}</translation>
    </message>
    <message>
        <source>Notes not saved: {0}</source>
        <translation>Notas no guardadas: {0}</translation>
    </message>
    <message>
        <source>Notes not saved</source>
        <translation>Notas no guardadas</translation>
    </message>
    <message>
        <source>Notes saved</source>
        <translation>Notas guardadas</translation>
    </message>
    <message>
        <source>Unsaved notes</source>
        <translation>Notas sin guardar</translation>
    </message>
    <message>
        <source>Save the notes you changed?</source>
        <translation>¿Guardar las notas que cambió?</translation>
    </message>
    <message>
        <source>This visit is no longer in the book on screen; close the card and open it again from the calendar.</source>
        <translation>Esta visita ya no está en la agenda en pantalla; cierre la tarjeta y ábrala de nuevo desde el calendario.</translation>
    </message>
    <message>
        <source>Text not sent</source>
        <translation>Mensaje no enviado</translation>
    </message>
    <message>
        <source>Text not sent: {0}</source>
        <translation>Mensaje no enviado: {0}</translation>
    </message>
    <message>
        <source>Text queued; it goes out with the next dispatch</source>
        <translation>Mensaje en cola; sale con el próximo envío</translation>
    </message>
</context>
<context>
    <name>AudiencePage</name>
    <message>
        <source>Audience</source>
        <translation>Audiencia</translation>
    </message>
    <message>
        <source>Who should hear from us? Opted-out and recently contacted patients are left out automatically.</source>
        <translation>¿A quién le escribimos? Los pacientes que se dieron de baja o fueron contactados hace poco se excluyen automáticamente.</translation>
    </message>
    <message>
        <source>Not seen for at least</source>
        <translation>Sin visita desde hace al menos</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>No future appointment booked</source>
        <translation>Sin cita futura reservada</translation>
    </message>
    <message>
        <source>Campaign name</source>
        <translation>Nombre de la campaña</translation>
    </message>
    <message>
        <source>Treatment stage</source>
        <translation>Etapa del tratamiento</translation>
    </message>
    <message>
        <source>Had a visit of type</source>
        <translation>Tuvo una visita de tipo</translation>
    </message>
    <message>
        <source>Home location</source>
        <translation>Ubicación habitual</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>years</source>
        <translation>años</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Edad</translation>
    </message>
    <message>
        <source>Skip anyone contacted in the last</source>
        <translation>Omitir a quien se contactó en los últimos</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Muestra</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Etapa</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Última visita</translation>
    </message>
    <message numerus="yes">
        <source>%n opted out</source>
        <translation>
            <numerusform>%n se dio de baja</numerusform>
            <numerusform>%n se dieron de baja</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n without consent or address</source>
        <translation>
            <numerusform>%n sin consentimiento o dirección</numerusform>
            <numerusform>%n sin consentimiento o dirección</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n contacted recently</source>
        <translation>
            <numerusform>%n contactado recientemente</numerusform>
            <numerusform>%n contactados recientemente</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n patient(s)</source>
        <translation>
            <numerusform>%n paciente</numerusform>
            <numerusform>%n pacientes</numerusform>
        </translation>
    </message>
    <message>
        <source>{patients} ({matched} match; left out: {left})</source>
        <translation>{patients} ({matched} coinciden; quedan fuera: {left})</translation>
    </message>
</context>
<context>
    <name>AutomationController</name>
    <message>
        <source>Automation off: {reason}</source>
        <translation>Automatización apagada: {reason}</translation>
    </message>
    <message>
        <source>Automation: starting…</source>
        <translation>Automatización: iniciando…</translation>
    </message>
</context>
<context>
    <name>BackupBox</name>
    <message>
        <source>Automatic backup</source>
        <translation>Respaldo automático</translation>
    </message>
    <message>
        <source>no folder chosen</source>
        <translation>ninguna carpeta elegida</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>The folder the daily backups are written to</source>
        <translation>La carpeta donde se guardan las copias de seguridad diarias</translation>
    </message>
    <message>
        <source>Choose the folder for the daily backups</source>
        <translation>Elegir la carpeta de las copias de seguridad diarias</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Carpeta</translation>
    </message>
    <message>
        <source>Folder for the daily backups</source>
        <translation>Carpeta para los respaldos diarios</translation>
    </message>
    <message>
        <source>This is a shared PostgreSQL database: back it up on its server (‘orca-desk backup’ runs pg_dump).</source>
        <translation>Esta es una base de datos PostgreSQL compartida: respáldela en su servidor (‘orca-desk backup’ ejecuta pg_dump).</translation>
    </message>
    <message>
        <source>Last backup: {when}. One a day, the newest {keep} kept.</source>
        <translation>Último respaldo: {when}. Uno al día; se guardan los {keep} más recientes.</translation>
    </message>
    <message>
        <source>One a day, the newest {keep} kept, made by the desk that runs the automation.</source>
        <translation>Uno al día; se guardan los {keep} más recientes, hechos por el escritorio que ejecuta la automatización.</translation>
    </message>
</context>
<context>
    <name>BookActions</name>
    <message>
        <source>Not moved: {refusal}</source>
        <translation>No se movió: {refusal}</translation>
    </message>
    <message>
        <source>Not moved</source>
        <translation>No se movió</translation>
    </message>
    <message>
        <source>Block time</source>
        <translation>Bloquear tiempo</translation>
    </message>
    <message>
        <source>Reason (shown on the calendar):</source>
        <translation>Motivo (se muestra en el calendario):</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <source>Not blocked</source>
        <translation>No bloqueado</translation>
    </message>
    <message>
        <source>Blocked {0}</source>
        <translation>Bloqueado {0}</translation>
    </message>
    <message>
        <source>You may not book appointments.</source>
        <translation>No puede reservar citas.</translation>
    </message>
    <message>
        <source>Appointment booked</source>
        <translation>Cita reservada</translation>
    </message>
    <message>
        <source>Offer to the waitlist</source>
        <translation>Ofrecer a la lista de espera</translation>
    </message>
    <message>
        <source>How many minutes are free?</source>
        <translation>¿Cuántos minutos quedan libres?</translation>
    </message>
    <message>
        <source>Nobody works in that chair that day: switch to provider columns.</source>
        <translation>Nadie trabaja en ese sillón ese día: cambie a columnas por profesional.</translation>
    </message>
    <message>
        <source>Not offered</source>
        <translation>No ofrecido</translation>
    </message>
    <message>
        <source>{0} offered to the waitlist</source>
        <translation>{0} ofrecido a la lista de espera</translation>
    </message>
    <message>
        <source>{patient_name}&apos;s visit cannot be cancelled: it is {status}.</source>
        <translation>La visita de {patient_name} no se puede cancelar: está {status}.</translation>
    </message>
    <message>
        <source>Cancel appointment</source>
        <translation>Cancelar cita</translation>
    </message>
    <message>
        <source>Why is {patient_name} cancelling?</source>
        <translation>¿Por qué cancela {patient_name}?</translation>
    </message>
</context>
<context>
    <name>BookColumns</name>
    <message>
        <source>Arrived</source>
        <translation>Llegó</translation>
    </message>
    <message>
        <source>Seated</source>
        <translation>Sentado</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Atendido</translation>
    </message>
    <message>
        <source>Block time: drag over free time in a column.</source>
        <translation>Bloquear tiempo: arrastre sobre un horario libre de una columna.</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>No se presentó</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>arrived</source>
        <translation>llegó</translation>
    </message>
    <message>
        <source>seated</source>
        <translation>en sillón</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>terminada</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>confirmada</translation>
    </message>
    <message>
        <source>confirmation requested</source>
        <translation>confirmación solicitada</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>rechazada</translation>
    </message>
    <message>
        <source>asked for a call</source>
        <translation>pidió una llamada</translation>
    </message>
    <message>
        <source>unconfirmed</source>
        <translation>sin confirmar</translation>
    </message>
</context>
<context>
    <name>BookZoom</name>
    <message>
        <source>Zoom in</source>
        <translation>Acercar</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Alejar</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>Tamaño real</translation>
    </message>
    <message>
        <source>Fit all chairs</source>
        <translation>Ajustar todos los sillones</translation>
    </message>
    <message>
        <source>Every column in the width shown (Ctrl+= or Ctrl+wheel zooms back in)</source>
        <translation>Todas las columnas en el ancho visible (Ctrl+= o Ctrl+rueda vuelve a acercar)</translation>
    </message>
</context>
<context>
    <name>BookingDialog</name>
    <message>
        <source>Book appointment</source>
        <translation>Reservar cita</translation>
    </message>
    <message>
        <source>Patient name or phone…</source>
        <translation>Nombre o teléfono del paciente…</translation>
    </message>
    <message>
        <source>{name} ({default_minutes} min)</source>
        <translation>{name} ({default_minutes} min)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>Reservar</translation>
    </message>
    <message>
        <source>Matching patients</source>
        <translation>Pacientes que coinciden</translation>
    </message>
    <message>
        <source>Patients whose name or phone matches; choose the one to book</source>
        <translation>Pacientes cuyo nombre o teléfono coincide; elija a quién reservar</translation>
    </message>
    <message>
        <source>The kind of visit; it sets the usual length</source>
        <translation>El tipo de cita; fija la duración habitual</translation>
    </message>
    <message>
        <source>Who sees the patient</source>
        <translation>Quién atiende al paciente</translation>
    </message>
    <message>
        <source>How long the visit is booked for</source>
        <translation>Cuánto dura la cita reservada</translation>
    </message>
    <message>
        <source>Book the visit as chosen</source>
        <translation>Reservar la cita tal como se eligió</translation>
    </message>
    <message>
        <source>Close without booking</source>
        <translation>Cerrar sin reservar</translation>
    </message>
    <message>
        <source>Not booked</source>
        <translation>No reservado</translation>
    </message>
    <message>
        <source>The list changed as you typed: check the patient, then press Enter again.</source>
        <translation>La lista cambió mientras escribía: verifique el paciente y vuelva a presionar Enter.</translation>
    </message>
    <message>
        <source>Choose a patient first: type a name and pick one from the list.</source>
        <translation>Primero elija un paciente: escriba un nombre y elíjalo de la lista.</translation>
    </message>
    <message>
        <source>{why} You may not book outside working hours.</source>
        <translation>{why} No puede reservar fuera del horario de trabajo.</translation>
    </message>
    <message>
        <source>Outside working hours</source>
        <translation>Fuera del horario de trabajo</translation>
    </message>
    <message>
        <source>{why}

Book anyway?</source>
        <translation>{why}

¿Reservar de todos modos?</translation>
    </message>
</context>
<context>
    <name>CalendarOps</name>
    <message>
        <source>Not changed</source>
        <translation>Sin cambios</translation>
    </message>
</context>
<context>
    <name>CalendarScreen</name>
    <message>
        <source>Could not load the calendar: {exc}</source>
        <translation>No se pudo cargar el calendario: {exc}</translation>
    </message>
    <message>
        <source>Offer this time to the waitlist…</source>
        <translation>Ofrecer este horario a la lista de espera…</translation>
    </message>
    <message>
        <source>Appointment card…</source>
        <translation>Tarjeta de cita…</translation>
    </message>
    <message>
        <source>Patient card…</source>
        <translation>Ficha del paciente…</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Confirmar</translation>
    </message>
    <message>
        <source>Mark arrived</source>
        <translation>Marcar llegada</translation>
    </message>
    <message>
        <source>Seat</source>
        <translation>Sentar</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>Completar</translation>
    </message>
    <message>
        <source>Reschedule…</source>
        <translation>Reprogramar…</translation>
    </message>
    <message>
        <source>Cancel…</source>
        <translation>Cancelar…</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>No se presentó</translation>
    </message>
    <message>
        <source>You may not book appointments.</source>
        <translation>No puede reservar citas.</translation>
    </message>
    <message>
        <source>Every chair is taken then.</source>
        <translation>Todos los sillones están ocupados a esa hora.</translation>
    </message>
    <message>
        <source>Rebook…</source>
        <translation>Volver a reservar…</translation>
    </message>
    <message>
        <source>Find next opening…</source>
        <translation>Buscar próximo espacio libre…</translation>
    </message>
    <message>
        <source>(booked again since)</source>
        <translation>(reservada de nuevo desde entonces)</translation>
    </message>
    <message>
        <source>this week</source>
        <translation>esta semana</translation>
    </message>
    <message>
        <source>this day</source>
        <translation>este día</translation>
    </message>
    <message>
        <source>Rebook {name}: double-click free time (or Enter on a free cell) to book {type}, {minutes} min.</source>
        <translation>Volver a reservar a {name}: haga doble clic en un horario libre (o Enter en una celda libre) para reservar {type}, {minutes} min.</translation>
    </message>
    <message>
        <source>Rebook {name}</source>
        <translation>Volver a reservar a {name}</translation>
    </message>
    <message>
        <source>{name} rebooked</source>
        <translation>{name} reservado de nuevo</translation>
    </message>
    <message>
        <source>Rebook {name}: next openings</source>
        <translation>Volver a reservar a {name}: próximos espacios libres</translation>
    </message>
    <message>
        <source>Appointment booked</source>
        <translation>Cita reservada</translation>
    </message>
</context>
<context>
    <name>CallListScreen</name>
    <message>
        <source>Voicemail</source>
        <translation>Buzón</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Visita</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Contacto</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Type · place</source>
        <translation>Tipo · lugar</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>not asked yet</source>
        <translation>sin consultar</translation>
    </message>
    <message>
        <source>asked, no answer</source>
        <translation>sin respuesta</translation>
    </message>
    <message>
        <source>asked for a call</source>
        <translation>pidió llamada</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>Confirmado</translation>
    </message>
    <message>
        <source>Left voicemail</source>
        <translation>Dejó mensaje de voz</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>No contestó</translation>
    </message>
    <message>
        <source>Reschedule</source>
        <translation>Reprogramar</translation>
    </message>
    <message>
        <source>Nobody to call: every visit of the day is confirmed, or none is booked yet.</source>
        <translation>Nadie por llamar: todas las visitas del día están confirmadas, o aún no hay ninguna reservada.</translation>
    </message>
    <message>
        <source>Call list</source>
        <translation>Lista de llamadas</translation>
    </message>
    <message>
        <source>Families to call about unconfirmed visits; each row&apos;s buttons record how the call went</source>
        <translation>Familias a las que llamar por visitas sin confirmar; los botones de cada fila registran cómo fue la llamada</translation>
    </message>
    <message>
        <source>Loading the call list…</source>
        <translation>Cargando la lista de llamadas…</translation>
    </message>
    <message>
        <source>The call list could not be loaded: {exc}</source>
        <translation>No se pudo cargar la lista de llamadas: {exc}</translation>
    </message>
    <message numerus="yes">
        <source>%n family(s)</source>
        <translation>
            <numerusform>%n familia</numerusform>
            <numerusform>%n familias</numerusform>
        </translation>
    </message>
    <message>
        <source> at {name}</source>
        <translation> en {name}</translation>
    </message>
    <message>
        <source>the next business day</source>
        <translation>el próximo día hábil</translation>
    </message>
    <message>
        <source>&lt;b&gt;{families} to call&lt;/b&gt; — visits on {about}{where} not confirmed yet</source>
        <translation>&lt;b&gt;{families} por llamar&lt;/b&gt; — visitas del {about}{where} aún sin confirmar</translation>
    </message>
    <message>
        <source>no number</source>
        <translation>sin número</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message numerus="yes">
        <source>%n call(s): {outcome}</source>
        <translation>
            <numerusform>%n llamada: {outcome}</numerusform>
            <numerusform>%n llamadas: {outcome}</numerusform>
        </translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation>No registrado</translation>
    </message>
    <message>
        <source>Call recorded: {value}</source>
        <translation>Llamada registrada: {value}</translation>
    </message>
</context>
<context>
    <name>CampaignWizard</name>
    <message>
        <source>New campaign</source>
        <translation>Nueva campaña</translation>
    </message>
</context>
<context>
    <name>CampaignsScreen</name>
    <message>
        <source>Campaign</source>
        <translation>Campaña</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Variants</source>
        <translation>Variantes</translation>
    </message>
    <message>
        <source> + {percent}% control</source>
        <translation> + {percent}% de control</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Destinatarios</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviados</translation>
    </message>
    <message>
        <source>Re-booked</source>
        <translation>Reservados de nuevo</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Audiencia</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupo</translation>
    </message>
    <message>
        <source>In group</source>
        <translation>En el grupo</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregados</translation>
    </message>
    <message>
        <source>Responses</source>
        <translation>Respuestas</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Tasa</translation>
    </message>
    <message>
        <source>Opt-outs</source>
        <translation>Bajas</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En espera</translation>
    </message>
    <message>
        <source>No campaigns yet. Start one with New campaign… to bring back patients who are due.</source>
        <translation>Aún no hay campañas. Empiece una con Nueva campaña… para hacer volver a los pacientes que deben una visita.</translation>
    </message>
    <message>
        <source>New campaign…</source>
        <translation>Nueva campaña…</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>Lanzar</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Cancel campaign</source>
        <translation>Cancelar campaña</translation>
    </message>
    <message>
        <source>Recall campaigns and their progress; select one to see its results</source>
        <translation>Campañas de recuperación y su avance; seleccione una para ver sus resultados</translation>
    </message>
    <message>
        <source>Start a new campaign: an audience, two messages and a test split</source>
        <translation>Iniciar una campaña nueva: un público, dos mensajes y un reparto de prueba</translation>
    </message>
    <message>
        <source>Start sending the selected campaign&apos;s messages</source>
        <translation>Empezar a enviar los mensajes de la campaña seleccionada</translation>
    </message>
    <message>
        <source>Stop sending the selected campaign&apos;s messages for now</source>
        <translation>Dejar de enviar por ahora los mensajes de la campaña seleccionada</translation>
    </message>
    <message>
        <source>Go on sending the selected paused campaign&apos;s messages</source>
        <translation>Seguir enviando los mensajes de la campaña en pausa seleccionada</translation>
    </message>
    <message>
        <source>End the selected campaign; messages not yet sent are dropped</source>
        <translation>Terminar la campaña seleccionada; los mensajes aún no enviados se descartan</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Campañas</translation>
    </message>
    <message>
        <source>Re-booked within the attribution window (%)</source>
        <translation>Reservados de nuevo dentro del período de atribución (%)</translation>
    </message>
    <message>
        <source>Sent, delivered, replies, re-bookings, opt-outs</source>
        <translation>Enviados, entregados, respuestas, nuevas reservas, bajas</translation>
    </message>
    <message>
        <source>No results yet: select a campaign that has sent messages, or start one with New campaign.</source>
        <translation>Aún no hay resultados: seleccione una campaña que haya enviado mensajes, o empiece una con Nueva campaña.</translation>
    </message>
    <message>
        <source>Results by group</source>
        <translation>Resultados por grupo</translation>
    </message>
    <message>
        <source>How each message group of the selected campaign did: sent, replies, re-bookings</source>
        <translation>Resultados de cada grupo de mensajes de la campaña seleccionada: enviados, respuestas, nuevas reservas</translation>
    </message>
    <message>
        <source>No campaigns yet</source>
        <translation>Aún no hay campañas</translation>
    </message>
    <message>
        <source>Start one with “New campaign…”: pick an audience, two messages and a hold-out group, and see which brings families back.</source>
        <translation>Empiece una con “Nueva campaña…”: elija una audiencia, dos mensajes y un grupo de control, y vea cuál hace volver a las familias.</translation>
    </message>
    <message>
        <source>; next send {next}, last {last}</source>
        <translation>; próximo envío {next}, último {last}</translation>
    </message>
    <message>
        <source>{value} · {value2} · starts {when} at {send_rate_per_hour}/h{nxt} · bookings within {attribution_days} days count</source>
        <translation>{value} · {value2} · empieza {when} a {send_rate_per_hour}/h{nxt} · cuentan las reservas dentro de {attribution_days} días</translation>
    </message>
    <message>
        <source> · left out: {excluded}</source>
        <translation> · excluidos: {excluded}</translation>
    </message>
    <message>
        <source>Re-booked %</source>
        <translation>Reservados de nuevo %</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>Respuestas</translation>
    </message>
    <message>
        <source>Campaign saved</source>
        <translation>Campaña guardada</translation>
    </message>
    <message>
        <source>Cancel “{name}”? Messages not sent yet will never go.</source>
        <translation>¿Cancelar “{name}”? Los mensajes aún no enviados no se enviarán nunca.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>CardPrintDialog</name>
    <message>
        <source>Appointment card for {0}</source>
        <translation>Tarjeta de cita de {0}</translation>
    </message>
    <message>
        <source>&amp;Print…</source>
        <translation>&amp;Imprimir…</translation>
    </message>
    <message>
        <source>&amp;Save PDF…</source>
        <translation>&amp;Guardar PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>Guardar PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Archivos PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>No se pudo escribir {0}: {1}</translation>
    </message>
    <message>
        <source>Saved {0}</source>
        <translation>Guardado {0}</translation>
    </message>
    <message>
        <source>Print appointment card</source>
        <translation>Imprimir tarjeta de cita</translation>
    </message>
    <message>
        <source>Sent to {0}</source>
        <translation>Enviado a {0}</translation>
    </message>
    <message>
        <source>the printer</source>
        <translation>la impresora</translation>
    </message>
</context>
<context>
    <name>ChairsPage</name>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>The chairs appointments are booked into, at each location, with the room (or bay) they stand in. The calendar shows one column per chair.</source>
        <translation>Los sillones en los que se reservan las citas, en cada ubicación, con la sala (o box) donde están. El calendario muestra una columna por sillón.</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>Sillón</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Sala</translation>
    </message>
    <message>
        <source>Add chair</source>
        <translation>Agregar sillón</translation>
    </message>
    <message>
        <source>Remove chair</source>
        <translation>Quitar sillón</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Double-click a cell to edit it.</source>
        <translation>Haga doble clic en una celda para editarla.</translation>
    </message>
    <message>
        <source>Chair %1</source>
        <translation>Sillón %1</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>This chair is already saved: archive it in Administration once the setup is done.</source>
        <translation>Este sillón ya está guardado: archívelo en Administración cuando termine la configuración.</translation>
    </message>
    <message>
        <source>chair name</source>
        <translation>nombre del sillón</translation>
    </message>
    <message>
        <source>room</source>
        <translation>sala</translation>
    </message>
    <message>
        <source>row %1</source>
        <translation>fila %1</translation>
    </message>
</context>
<context>
    <name>ChairsTab</name>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>Sillón</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Sala</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No chairs yet: add one with New chair to book into it.</source>
        <translation>Aún no hay sillones: agregue uno con Nuevo sillón para reservar en él.</translation>
    </message>
    <message>
        <source>New chair</source>
        <translation>Nuevo sillón</translation>
    </message>
    <message>
        <source>Where the chair is; fixed once saved</source>
        <translation>Dónde está el sillón; no cambia una vez guardado</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>The chair&apos;s name in the calendar</source>
        <translation>El nombre del sillón en el calendario</translation>
    </message>
    <message>
        <source>The room the chair is in</source>
        <translation>La sala donde está el sillón</translation>
    </message>
    <message>
        <source>A chair with future appointments cannot be archived.</source>
        <translation>Un sillón con citas futuras no se puede archivar.</translation>
    </message>
    <message>
        <source>Add a location first.</source>
        <translation>Primero agregue una ubicación.</translation>
    </message>
    <message>
        <source>Chair {name} saved</source>
        <translation>Sillón {name} guardado</translation>
    </message>
    <message>
        <source>Chair {name} restored</source>
        <translation>Sillón {name} restaurado</translation>
    </message>
    <message>
        <source>Chair {name} archived</source>
        <translation>Sillón {name} archivado</translation>
    </message>
</context>
<context>
    <name>ClinicPage</name>
    <message>
        <source>Your clinic</source>
        <translation>Su clínica</translation>
    </message>
    <message>
        <source>The practice&apos;s name and main phone number, as patients see them in reminders. You can change all of this later in Settings.</source>
        <translation>El nombre de la clínica y su teléfono principal, como los ven los pacientes en los recordatorios. Puede cambiar todo esto más tarde en Configuración.</translation>
    </message>
    <message>
        <source>e.g. Harbour Orthodontics</source>
        <translation>p. ej. Ortodoncia Harbour</translation>
    </message>
    <message>
        <source>optional: replies to emails go here</source>
        <translation>opcional: las respuestas a los correos llegan aquí</translation>
    </message>
    <message>
        <source>Clinic name</source>
        <translation>Nombre de la clínica</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>País</translation>
    </message>
    <message>
        <source>Phone numbers written without +country code are read as numbers of this country.</source>
        <translation>Los números escritos sin +código de país se leen como números de este país.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>as dialled locally, e.g. {example}</source>
        <translation>como se marca localmente, p. ej. {example}</translation>
    </message>
</context>
<context>
    <name>ColourField</name>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>The colour shown in the calendar, as #rrggbb; the swatch beside it shows it</source>
        <translation>El color que se muestra en el calendario, como #rrggbb; la muestra al lado lo enseña</translation>
    </message>
</context>
<context>
    <name>ConfirmationSettingsPanel</name>
    <message>
        <source> hours before the visit</source>
        <translation> horas antes de la visita</translation>
    </message>
    <message>
        <source>Release the slot to the waitlist when a family declines</source>
        <translation>Liberar el espacio a la lista de espera cuando una familia rechaza</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>How many hours before the visit an unconfirmed family goes on the call list</source>
        <translation>Cuántas horas antes de la cita una familia sin confirmar pasa a la lista de llamadas</translation>
    </message>
    <message>
        <source>On: a declined visit is cancelled and its time offered to the waitlist</source>
        <translation>Activado: una cita rechazada se cancela y su horario se ofrece a la lista de espera</translation>
    </message>
    <message>
        <source>Save the call time and the release setting</source>
        <translation>Guardar la hora de llamada y la opción de liberar el horario</translation>
    </message>
    <message>
        <source>Unconfirmed and declined visits</source>
        <translation>Visitas sin confirmar y rechazadas</translation>
    </message>
    <message>
        <source>Call families still unconfirmed</source>
        <translation>Llamar a las familias que aún no confirman</translation>
    </message>
    <message>
        <source>A call task is opened for them then. The Call list shows the next business day&apos;s unconfirmed families at the location in the toolbar.</source>
        <translation>Entonces se abre una tarea de llamada para ellas. La Lista de llamadas muestra las familias sin confirmar del próximo día hábil en la ubicación de la barra de herramientas.</translation>
    </message>
    <message>
        <source>The visit is cancelled as “declined by family” and a reschedule task is opened. Off: the visit stays booked and flagged “needs reschedule”.</source>
        <translation>La visita se cancela como “rechazada por la familia” y se abre una tarea para reprogramar. Desactivado: la visita sigue reservada y marcada “necesita reprogramarse”.</translation>
    </message>
    <message>
        <source>Only a manager can change these.</source>
        <translation>Solo un gerente puede cambiar esto.</translation>
    </message>
    <message>
        <source>Not saved: {message}</source>
        <translation>No guardado: {message}</translation>
    </message>
    <message>
        <source>Confirmation settings saved</source>
        <translation>Configuración de confirmaciones guardada</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Orca Desk</source>
        <translation>Orca Desk</translation>
    </message>
    <message>
        <source>Something went wrong; your data is safe.</source>
        <translation>Algo salió mal; sus datos están a salvo.</translation>
    </message>
    <message>
        <source>Everything saved before this moment is in the database. You can keep working; if it happens again, send the report below to your support contact.</source>
        <translation>Todo lo guardado antes de este momento está en la base de datos. Puede seguir trabajando; si vuelve a pasar, envíe el informe de abajo a su contacto de soporte.</translation>
    </message>
    <message>
        <source>Report: {path}</source>
        <translation>Informe: {path}</translation>
    </message>
    <message>
        <source>Crash report</source>
        <translation>Informe de error</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>Copiar informe</translation>
    </message>
    <message>
        <source>Copies the report to the clipboard</source>
        <translation>Copia el informe al portapapeles</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
</context>
<context>
    <name>Dates</name>
    <message>
        <source>dddd d MMMM yyyy</source>
        <translation>dddd d &apos;de&apos; MMMM &apos;de&apos; yyyy</translation>
    </message>
    <message>
        <source>ddd d MMM yyyy</source>
        <translation>ddd d MMM yyyy</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <translation>d MMM yyyy</translation>
    </message>
    <message>
        <source>d MMM</source>
        <translation>d MMM</translation>
    </message>
    <message>
        <source>ddd d MMM</source>
        <translation>ddd d MMM</translation>
    </message>
    <message>
        <source>ddd d</source>
        <translation>ddd d</translation>
    </message>
    <message>
        <source>dddd d MMMM</source>
        <translation>dddd d &apos;de&apos; MMMM</translation>
    </message>
</context>
<context>
    <name>DaySummaryBar</name>
    <message>
        <source>To rebook</source>
        <translation>Por volver a reservar</translation>
    </message>
    <message>
        <source>Cancelled and no-show visits whose patient has nothing booked since ({key})</source>
        <translation>Visitas canceladas y ausencias cuyo paciente no tiene nada reservado desde entonces ({key})</translation>
    </message>
    <message numerus="yes">
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n visita</numerusform>
            <numerusform>%n visitas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unconfirmed</source>
        <translation>
            <numerusform>%n sin confirmar</numerusform>
            <numerusform>%n sin confirmar</numerusform>
        </translation>
    </message>
    <message>
        <source>{0} chair-h booked</source>
        <translation>{0} h-sillón reservadas</translation>
    </message>
    <message>
        <source>{0} chair-h free</source>
        <translation>{0} h-sillón libres</translation>
    </message>
    <message numerus="yes">
        <source>%n opening(s) on offer</source>
        <translation>
            <numerusform>%n espacio ofrecido</numerusform>
            <numerusform>%n espacios ofrecidos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n cancelled</source>
        <translation>
            <numerusform>%n cancelada</numerusform>
            <numerusform>%n canceladas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n no-show(s)</source>
        <translation>
            <numerusform>%n ausencia</numerusform>
            <numerusform>%n ausencias</numerusform>
        </translation>
    </message>
    <message>
        <source>To rebook ({n})</source>
        <translation>Por volver a reservar ({n})</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>Esta semana</translation>
    </message>
    <message>
        <source>This day</source>
        <translation>Este día</translation>
    </message>
    <message>
        <source>Visits: booked, arrived, seated or done (not cancelled or no-show). Unconfirmed: scheduled visits the family has not confirmed. Chair time: {booked} h booked and {free} h free in chairs while someone works at the location (blocks left out). Openings on offer: waitlist openings offered to a family now.</source>
        <translation>Visitas: reservadas, llegó, sentado o terminadas (ni canceladas ni ausencias). Sin confirmar: visitas programadas que la familia no ha confirmado. Tiempo de sillón: {booked} h reservadas y {free} h libres en sillones mientras alguien trabaja en la ubicación (sin contar bloqueos). Espacios ofrecidos: espacios de la lista de espera ofrecidos ahora a una familia.</translation>
    </message>
</context>
<context>
    <name>DonePage</name>
    <message>
        <source>Your clinic is ready</source>
        <translation>Su clínica está lista</translation>
    </message>
    <message>
        <source>Finish opens the appointment book, signed in as the administrator.</source>
        <translation>Finalizar abre la agenda de citas, con sesión iniciada como administrador.</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Nombre de usuario</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>One-time password</source>
        <translation>Contraseña de un solo uso</translation>
    </message>
    <message>
        <source>&lt;b&gt;Write these down or hand them over now: they are shown only this once.&lt;/b&gt; Each person signs in with theirs and then chooses their own password.</source>
        <translation>&lt;b&gt;Anótelas o entréguelas ahora: solo se muestran esta vez.&lt;/b&gt; Cada persona inicia sesión con la suya y luego elige su propia contraseña.</translation>
    </message>
</context>
<context>
    <name>EditorTab</name>
    <message>
        <source>Show archived</source>
        <translation>Mostrar archivados</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivar</translation>
    </message>
    <message>
        <source>Select a row to edit it in the form beside the list</source>
        <translation>Seleccione una fila para editarla en el formulario junto a la lista</translation>
    </message>
    <message>
        <source>List archived records too, to bring one back</source>
        <translation>Listar también los registros archivados, para recuperar uno</translation>
    </message>
    <message>
        <source>Empty the form to add a new record</source>
        <translation>Vaciar el formulario para añadir un registro nuevo</translation>
    </message>
    <message>
        <source>Save the form</source>
        <translation>Guardar el formulario</translation>
    </message>
    <message>
        <source>Archive the selected record, or bring an archived one back</source>
        <translation>Archivar el registro seleccionado, o recuperar uno archivado</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurar</translation>
    </message>
    <message>
        <source>Not archived: {n} future appointment(s) need it. Move or cancel them first:</source>
        <translation>No archivado: {n} cita(s) futura(s) lo necesitan. Muévalas o cancélelas primero:</translation>
    </message>
</context>
<context>
    <name>EmailBox</name>
    <message>
        <source>Email provider</source>
        <translation>Proveedor de correo</translation>
    </message>
    <message>
        <source>Local (messages stay in the Outbox, “sent locally”)</source>
        <translation>Local (quedan en la Bandeja de salida)</translation>
    </message>
    <message>
        <source>SendGrid</source>
        <translation>SendGrid</translation>
    </message>
    <message>
        <source>frontdesk@yourclinic.com</source>
        <translation>recepcion@suclinica.com</translation>
    </message>
    <message>
        <source>default: the real SendGrid API</source>
        <translation>predeterminado: la API real de SendGrid</translation>
    </message>
    <message>
        <source> per second</source>
        <translation> por segundo</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>Clave de API</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>Dirección de envío</translation>
    </message>
    <message>
        <source>Emails show the clinic&apos;s name as the sender.</source>
        <translation>Los correos muestran el nombre de la clínica como remitente.</translation>
    </message>
    <message>
        <source>Send rate</source>
        <translation>Ritmo de envío</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL base</translation>
    </message>
    <message>
        <source>The service that sends emails; Local keeps them in the Outbox</source>
        <translation>El servicio que envía los correos; Local los deja en la Bandeja de salida</translation>
    </message>
    <message>
        <source>The SendGrid API key, kept in the OS keyring</source>
        <translation>La clave de API de SendGrid, guardada en el llavero del sistema</translation>
    </message>
    <message>
        <source>The address emails are sent from</source>
        <translation>La dirección desde la que se envían los correos</translation>
    </message>
    <message>
        <source>At most this many emails a second</source>
        <translation>Como máximo esta cantidad de correos por segundo</translation>
    </message>
    <message>
        <source>Another address for the SendGrid API, for testing; empty uses SendGrid&apos;s</source>
        <translation>Otra dirección para la API de SendGrid, para pruebas; vacía usa la de SendGrid</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <source>Edit waitlist entry</source>
        <translation>Editar entrada de la lista de espera</translation>
    </message>
    <message>
        <source>Add to the waitlist</source>
        <translation>Agregar a la lista de espera</translation>
    </message>
    <message>
        <source>Type a name or phone number…</source>
        <translation>Escriba un nombre o número de teléfono…</translation>
    </message>
    <message>
        <source>Matching patients</source>
        <translation>Pacientes que coinciden</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>{name} ({default_minutes} min)</source>
        <translation>{name} ({default_minutes} min)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Any provider</source>
        <translation>Cualquier profesional</translation>
    </message>
    <message>
        <source>Any location</source>
        <translation>Cualquier ubicación</translation>
    </message>
    <message>
        <source>On: the family can come on this weekday</source>
        <translation>Activado: la familia puede venir este día de la semana</translation>
    </message>
    <message>
        <source>Type a patient&apos;s name or phone to find who is waiting</source>
        <translation>Escriba el nombre o el teléfono de un paciente para buscar quién espera</translation>
    </message>
    <message>
        <source>Patients whose name or phone matches; choose the one waiting</source>
        <translation>Pacientes cuyo nombre o teléfono coincide; elija al que espera</translation>
    </message>
    <message>
        <source>The kind of visit the patient is waiting for; it sets the usual length</source>
        <translation>El tipo de cita que espera el paciente; fija la duración habitual</translation>
    </message>
    <message>
        <source>How long the visit needs</source>
        <translation>Cuánto tiempo necesita la cita</translation>
    </message>
    <message>
        <source>How urgently the patient needs the visit; the more urgent are offered first</source>
        <translation>Con qué urgencia necesita el paciente la cita; a los más urgentes se les ofrece primero</translation>
    </message>
    <message>
        <source>The provider the visit must be with, or any</source>
        <translation>El profesional con quien debe ser la cita, o cualquiera</translation>
    </message>
    <message>
        <source>The location the visit must be at, or any</source>
        <translation>La ubicación donde debe ser la cita, o cualquiera</translation>
    </message>
    <message>
        <source>On: only openings starting between the two times beside it</source>
        <translation>Activado: solo espacios libres que empiezan entre las dos horas de al lado</translation>
    </message>
    <message>
        <source>The earliest start the family can come</source>
        <translation>La hora más temprana a la que puede venir la familia</translation>
    </message>
    <message>
        <source>The latest start the family can come</source>
        <translation>La hora más tardía a la que puede venir la familia</translation>
    </message>
    <message>
        <source>On: only openings up to the date beside it</source>
        <translation>Activado: solo espacios libres hasta la fecha de al lado</translation>
    </message>
    <message>
        <source>The last day the family can come</source>
        <translation>El último día en que puede venir la familia</translation>
    </message>
    <message>
        <source>Why the patient wants an earlier visit</source>
        <translation>Por qué el paciente quiere una cita antes</translation>
    </message>
    <message>
        <source>Save the waitlist entry</source>
        <translation>Guardar la entrada de la lista de espera</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>Cerrar sin guardar</translation>
    </message>
    <message>
        <source>Only between</source>
        <translation>Solo entre</translation>
    </message>
    <message>
        <source>Earliest time</source>
        <translation>Hora más temprana</translation>
    </message>
    <message>
        <source>Latest time</source>
        <translation>Hora más tardía</translation>
    </message>
    <message>
        <source>Latest date</source>
        <translation>Fecha límite</translation>
    </message>
    <message>
        <source>No later than</source>
        <translation>No más tarde de</translation>
    </message>
    <message>
        <source>e.g. broken bracket, after-school slot</source>
        <translation>p. ej. bracket roto, horario después de la escuela</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Visita</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Días</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
</context>
<context>
    <name>ExportButton</name>
    <message>
        <source>Export {name}</source>
        <translation>Exportar {name}</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>{path} cannot be written: {error}</source>
        <translation>No se puede escribir {path}: {error}</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportar…</translation>
    </message>
    <message>
        <source>Save the rows of this list as a CSV file (opens in Excel)</source>
        <translation>Guardar las filas de esta lista como archivo CSV (se abre en Excel)</translation>
    </message>
    <message>
        <source>Exported {count} rows to {path}</source>
        <translation>Se exportaron {count} filas a {path}</translation>
    </message>
</context>
<context>
    <name>FeedsBox</name>
    <message>
        <source>Calendar feeds (iCal)</source>
        <translation>Calendarios (iCal)</translation>
    </message>
    <message>
        <source>Each provider&apos;s appointments (initials only) for calendar apps, served by ‘orca-desk gateway’.</source>
        <translation>Las citas de cada profesional (solo iniciales) para aplicaciones de calendario, servidas por ‘orca-desk gateway’.</translation>
    </message>
    <message>
        <source>Show feed URLs</source>
        <translation>Mostrar URL de los calendarios</translation>
    </message>
    <message>
        <source>Show each provider&apos;s calendar-feed address, ready to copy</source>
        <translation>Mostrar la dirección del calendario de cada profesional, lista para copiar</translation>
    </message>
    <message>
        <source>No feed links</source>
        <translation>Sin enlaces de calendario</translation>
    </message>
    <message>
        <source>Feed links are not available: {message}</source>
        <translation>Los enlaces de calendario no están disponibles: {message}</translation>
    </message>
    <message>
        <source>Each provider&apos;s appointments (initials only) for calendar apps, served by ‘orca-desk gateway’. Treat a link like a password: anyone who has it can read that calendar.</source>
        <translation>Las citas de cada profesional (solo iniciales) para aplicaciones de calendario, servidas por ‘orca-desk gateway’. Trate un enlace como una contraseña: quien lo tenga puede leer ese calendario.</translation>
    </message>
    <message>
        <source>There are no providers yet.</source>
        <translation>Aún no hay profesionales.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy {provider_name}&apos;s feed URL</source>
        <translation>Copiar la URL del calendario de {provider_name}</translation>
    </message>
    <message>
        <source>Copied {name}&apos;s calendar feed URL</source>
        <translation>Se copió la URL del calendario de {name}</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Columns</source>
        <translation>Columnas</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>One column per chair in the appointment book</source>
        <translation>Una columna por sillón en la agenda</translation>
    </message>
    <message>
        <source>One column per provider in the appointment book</source>
        <translation>Una columna por profesional en la agenda</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Quitar filtros</translation>
    </message>
    <message>
        <source>Show every location, room, chair, provider and procedure again</source>
        <translation>Volver a mostrar todas las ubicaciones, salas, sillones, profesionales y procedimientos</translation>
    </message>
    <message>
        <source>Show cancelled</source>
        <translation>Mostrar canceladas</translation>
    </message>
    <message>
        <source>Show cancelled and no-show visits faded in place ({MISSED_KEY}); their time stays free</source>
        <translation>Mostrar atenuadas en su lugar las visitas canceladas y ausencias ({MISSED_KEY}); su horario queda libre</translation>
    </message>
    <message>
        <source>Block time</source>
        <translation>Bloquear</translation>
    </message>
    <message>
        <source>Drag over free time to block it (or hold Shift while dragging)</source>
        <translation>Arrastre sobre un horario libre para bloquearlo (o mantenga Mayús al arrastrar)</translation>
    </message>
    <message>
        <source>Choose which locations the book shows</source>
        <translation>Elegir qué ubicaciones muestra la agenda</translation>
    </message>
    <message>
        <source>Choose which rooms the book shows</source>
        <translation>Elegir qué salas muestra la agenda</translation>
    </message>
    <message>
        <source>Choose which chairs the book shows</source>
        <translation>Elegir qué sillones muestra la agenda</translation>
    </message>
    <message>
        <source>Choose which providers&apos; visits the book shows</source>
        <translation>Elegir de qué profesionales muestra las visitas la agenda</translation>
    </message>
    <message>
        <source>Choose which procedures the book shows</source>
        <translation>Elegir qué procedimientos muestra la agenda</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todos</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Salas</translation>
    </message>
    <message>
        <source>Procedures</source>
        <translation>Tipos</translation>
    </message>
    <message>
        <source>{0}: all</source>
        <translation>{0}</translation>
    </message>
</context>
<context>
    <name>FindOpeningDialog</name>
    <message>
        <source>Find next opening</source>
        <translation>Buscar próximo espacio libre</translation>
    </message>
    <message>
        <source>Earliest time</source>
        <translation>Hora más temprana</translation>
    </message>
    <message>
        <source>Latest time</source>
        <translation>Hora más tardía</translation>
    </message>
    <message>
        <source>Openings</source>
        <translation>Espacios libres</translation>
    </message>
    <message>
        <source>Matching patients</source>
        <translation>Pacientes que coinciden</translation>
    </message>
    <message>
        <source>On: look for openings on this weekday</source>
        <translation>Activado: buscar espacios libres este día de la semana</translation>
    </message>
    <message>
        <source>The kind of visit to find time for; it sets the usual length</source>
        <translation>El tipo de cita para la que se busca horario; fija la duración habitual</translation>
    </message>
    <message>
        <source>How long the opening must be</source>
        <translation>Cuánto debe durar el espacio libre</translation>
    </message>
    <message>
        <source>Tick the providers the visit may be with</source>
        <translation>Marque los profesionales con quienes puede ser la cita</translation>
    </message>
    <message>
        <source>Tick the locations the visit may be at</source>
        <translation>Marque las ubicaciones donde puede ser la cita</translation>
    </message>
    <message>
        <source>Tick the chairs the visit may be in</source>
        <translation>Marque los sillones donde puede ser la cita</translation>
    </message>
    <message>
        <source>On: only openings starting between the two times beside it</source>
        <translation>Activado: solo espacios libres que empiezan entre las dos horas de al lado</translation>
    </message>
    <message>
        <source>The earliest start of an opening</source>
        <translation>El inicio más temprano de un espacio libre</translation>
    </message>
    <message>
        <source>The latest start of an opening</source>
        <translation>El inicio más tardío de un espacio libre</translation>
    </message>
    <message>
        <source>How many days ahead to look</source>
        <translation>Cuántos días hacia adelante buscar</translation>
    </message>
    <message>
        <source>The openings found; double-click one to book it</source>
        <translation>Los espacios libres encontrados; haga doble clic en uno para reservarlo</translation>
    </message>
    <message>
        <source>Type a patient&apos;s name or phone to choose who to book</source>
        <translation>Escriba el nombre o el teléfono de un paciente para elegir a quién reservar</translation>
    </message>
    <message>
        <source>Patients whose name or phone matches; choose the one to book</source>
        <translation>Pacientes cuyo nombre o teléfono coincide; elija a quién reservar</translation>
    </message>
    <message>
        <source>Book the chosen patient into the selected opening</source>
        <translation>Reservar al paciente elegido en el espacio libre seleccionado</translation>
    </message>
    <message>
        <source>Close without booking</source>
        <translation>Cerrar sin reservar</translation>
    </message>
    <message>
        <source>{name} ({default_minutes} min)</source>
        <translation>{name} ({default_minutes} min)</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Días</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Within</source>
        <translation>Dentro de</translation>
    </message>
    <message>
        <source>Nothing ticked means any.</source>
        <translation>Si no marca nada, vale cualquiera.</translation>
    </message>
    <message>
        <source>Between</source>
        <translation>Entre</translation>
    </message>
    <message>
        <source>and</source>
        <translation>y</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>Sillón</translation>
    </message>
    <message>
        <source>Patient name or phone…</source>
        <translation>Nombre o teléfono del paciente…</translation>
    </message>
    <message>
        <source>Book selected opening</source>
        <translation>Reservar el espacio elegido</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Book for</source>
        <translation>Reservar para</translation>
    </message>
    <message>
        <source>No openings</source>
        <translation>Sin espacios libres</translation>
    </message>
    <message>
        <source>{count} choices of {value} min within {value2} days (the first of each morning, afternoon and evening)</source>
        <translation>{count} opciones de {value} min dentro de {value2} días (la primera de cada mañana, tarde y noche)</translation>
    </message>
    <message>
        <source>No opening matches: widen the days, times or horizon.</source>
        <translation>Ningún espacio coincide: amplíe los días, los horarios o el plazo.</translation>
    </message>
    <message>
        <source>Choose the patient first: type a name and pick one from the list.</source>
        <translation>Primero elija el paciente: escriba un nombre y elíjalo de la lista.</translation>
    </message>
    <message>
        <source>Choose an opening in the list.</source>
        <translation>Elija un espacio de la lista.</translation>
    </message>
    <message>
        <source>Not booked</source>
        <translation>No reservado</translation>
    </message>
</context>
<context>
    <name>ImportBox</name>
    <message>
        <source>Import from another program</source>
        <translation>Importar desde otro programa</translation>
    </message>
    <message>
        <source>Import patients…</source>
        <translation>Importar pacientes…</translation>
    </message>
    <message>
        <source>Import appointments…</source>
        <translation>Importar citas…</translation>
    </message>
    <message>
        <source>Import patients from a CSV file</source>
        <translation>Importar pacientes desde un archivo CSV</translation>
    </message>
    <message>
        <source>Import appointments from a CSV file</source>
        <translation>Importar citas desde un archivo CSV</translation>
    </message>
    <message>
        <source>CSV files: the generic format or an Open Dental export. You see what would change before anything is imported; importing a file again changes nothing.</source>
        <translation>Archivos CSV: el formato genérico o una exportación de Open Dental. Verá lo que cambiaría antes de importar nada; importar de nuevo un archivo no cambia nada.</translation>
    </message>
    <message>
        <source>Importing needs the permission to import data; ask a manager.</source>
        <translation>Para importar se necesita el permiso de importar datos; pídalo a un gerente.</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import</source>
        <translation>Importar</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <source>Check file</source>
        <translation>Revisar archivo</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Patients (and their responsible parties)</source>
        <translation>Pacientes (y sus responsables)</translation>
    </message>
    <message>
        <source>Appointments (of patients already imported)</source>
        <translation>Citas (de pacientes ya importados)</translation>
    </message>
    <message>
        <source>a .csv file exported from your old program</source>
        <translation>un archivo .csv exportado de su programa anterior</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Examinar…</translation>
    </message>
    <message>
        <source>Generic (Orca Desk&apos;s columns: first_name, last_name, …)</source>
        <translation>Genérico (columnas de Orca Desk: first_name, last_name, …)</translation>
    </message>
    <message>
        <source>Open Dental patient export (PatNum, LName, FName, …)</source>
        <translation>Exportación de pacientes de Open Dental (PatNum, LName, FName, …)</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>Formato</translation>
    </message>
    <message>
        <source>Choose the file</source>
        <translation>Elija el archivo</translation>
    </message>
    <message>
        <source>UTF-8 or Windows-1252; commas, semicolons or tabs. Nothing is written until you have seen what would change and pressed Import; importing the same file again changes nothing.</source>
        <translation>UTF-8 o Windows-1252; comas, punto y coma o tabulaciones. No se escribe nada hasta que vea lo que cambiaría y presione Importar; importar de nuevo el mismo archivo no cambia nada.</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Línea</translation>
    </message>
    <message>
        <source>Why it is not imported</source>
        <translation>Por qué no se importa</translation>
    </message>
    <message>
        <source>Columns…</source>
        <translation>Columnas…</translation>
    </message>
    <message>
        <source>Choose which column of the file holds each field</source>
        <translation>Elija qué columna del archivo contiene cada campo</translation>
    </message>
    <message>
        <source>Rejected lines</source>
        <translation>Líneas rechazadas</translation>
    </message>
    <message>
        <source>Lines that would be rejected</source>
        <translation>Líneas que se rechazarían</translation>
    </message>
    <message>
        <source>What the import would do</source>
        <translation>Lo que haría la importación</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>Importados</translation>
    </message>
    <message>
        <source>Columns: external_id, first_name, last_name, date_of_birth, phone, mobile_phone, email, sms_consent, … and the guardian&apos;s; Open Dental&apos;s patient table export is read as it is.</source>
        <translation>Columnas: external_id, first_name, last_name, date_of_birth, phone, mobile_phone, email, sms_consent, … y las del tutor; la exportación de la tabla de pacientes de Open Dental se lee tal cual.</translation>
    </message>
    <message>
        <source>Columns: external_id, patient_external_id, start (local date and time), minutes, type, provider, location, chair, status, confirmed, notes. Import the patients first.</source>
        <translation>Columnas: external_id, patient_external_id, start (fecha y hora local), minutes, type, provider, location, chair, status, confirmed, notes. Importe primero los pacientes.</translation>
    </message>
    <message>
        <source>Import {count} {what}</source>
        <translation>Importar {count} {what}</translation>
    </message>
    <message>
        <source>You may not import data; ask a manager.</source>
        <translation>No puede importar datos; pídalo a un gerente.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Choose the file to import</source>
        <translation>Elija el archivo para importar</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>Archivos CSV (*.csv *.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>The file&apos;s columns were not matched; nothing was checked.</source>
        <translation>No se asignaron las columnas del archivo; no se revisó nada.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Revisando…</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>Importando…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Imported {what} from {source}: {created} created, {updated} updated</source>
        <translation>Importado {what} desde {source}: {created} creados, {updated} actualizados</translation>
    </message>
    <message>
        <source>Cancelled: nothing was imported.</source>
        <translation>Cancelado: no se importó nada.</translation>
    </message>
    <message>
        <source>Check cancelled.</source>
        <translation>Revisión cancelada.</translation>
    </message>
    <message>
        <source>The import stopped: {error}. Nothing was imported.</source>
        <translation>La importación se detuvo: {error}. No se importó nada.</translation>
    </message>
    <message>
        <source>
… and {n} more warnings</source>
        <translation>
… y {n} advertencias más</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>Stop the import? Nothing will be imported.</source>
        <translation>¿Detener la importación? No se importará nada.</translation>
    </message>
</context>
<context>
    <name>InboxScreen</name>
    <message>
        <source>needs review</source>
        <translation>por revisar</translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation>confirmación</translation>
    </message>
    <message>
        <source>can&apos;t come</source>
        <translation>no puede venir</translation>
    </message>
    <message>
        <source>opt-out</source>
        <translation>baja</translation>
    </message>
    <message>
        <source>opt-in</source>
        <translation>alta</translation>
    </message>
    <message>
        <source>help</source>
        <translation>ayuda</translation>
    </message>
    <message>
        <source>reply</source>
        <translation>respuesta</translation>
    </message>
    <message>
        <source>Find a conversation</source>
        <translation>Buscar una conversación</translation>
    </message>
    <message>
        <source>List only conversations whose family or text matches</source>
        <translation>Listar solo las conversaciones cuya familia o texto coincide</translation>
    </message>
    <message>
        <source>Unread only</source>
        <translation>Solo no leídas</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Conversaciones</translation>
    </message>
    <message>
        <source>No conversations yet: replies from families and messages you send appear here.</source>
        <translation>Aún no hay conversaciones: aquí aparecen las respuestas de las familias y los mensajes que usted envía.</translation>
    </message>
    <message>
        <source>Families&apos; conversations, newest first; select one to read it</source>
        <translation>Conversaciones de las familias, las más recientes primero; seleccione una para leerla</translation>
    </message>
    <message>
        <source>List only the conversations with unread replies</source>
        <translation>Listar solo las conversaciones con respuestas sin leer</translation>
    </message>
    <message>
        <source>Choose a conversation</source>
        <translation>Elija una conversación</translation>
    </message>
    <message>
        <source>Mark read</source>
        <translation>Marcar como leída</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>The messages of the selected conversation, oldest first</source>
        <translation>Los mensajes de la conversación seleccionada, los más antiguos primero</translation>
    </message>
    <message>
        <source>Mark the selected conversation&apos;s replies as read</source>
        <translation>Marcar como leídas las respuestas de la conversación seleccionada</translation>
    </message>
    <message>
        <source>Select a conversation to read it and reply.</source>
        <translation>Seleccione una conversación para leerla y responder.</translation>
    </message>
    <message>
        <source>Send by</source>
        <translation>Enviar por</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Subject (email)</source>
        <translation>Asunto (correo)</translation>
    </message>
    <message>
        <source>Write to the family… (quiet hours and consent apply when it is sent)</source>
        <translation>Escriba a la familia… (al enviarse se aplican las horas de silencio y el consentimiento)</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Send the reply by text message or by email</source>
        <translation>Enviar la respuesta por mensaje de texto o por correo</translation>
    </message>
    <message>
        <source>The reply to send to the family</source>
        <translation>La respuesta que se enviará a la familia</translation>
    </message>
    <message>
        <source>Send the reply; quiet hours and consent apply</source>
        <translation>Enviar la respuesta; se aplican las horas de silencio y el consentimiento</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automático</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <source>Replies that no automation understood wait here, with the patient and appointment they likely concern.</source>
        <translation>Las respuestas que ninguna automatización entendió esperan aquí, con el paciente y la cita a los que probablemente se refieren.</translation>
    </message>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n carácter</numerusform>
            <numerusform>%n caracteres</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segmento</numerusform>
            <numerusform>%n segmentos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) marked read</source>
        <translation>
            <numerusform>%n respuesta marcada como leída</numerusform>
            <numerusform>%n respuestas marcadas como leídas</numerusform>
        </translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>No enviado</translation>
    </message>
    <message>
        <source>Message queued; it goes out with the next dispatch</source>
        <translation>Mensaje en cola; sale con el próximo envío</translation>
    </message>
</context>
<context>
    <name>LanguageBox</name>
    <message>
        <source>Language of this desk</source>
        <translation>Idioma de este escritorio</translation>
    </message>
    <message>
        <source>System default ({language})</source>
        <translation>Predeterminado del sistema ({language})</translation>
    </message>
    <message>
        <source>The language of this desk&apos;s screens, from the next start</source>
        <translation>El idioma de las pantallas de este escritorio, desde el próximo inicio</translation>
    </message>
    <message>
        <source>The screens, dates and numbers of this computer; messages to patients follow each patient&apos;s language.</source>
        <translation>Las pantallas, fechas y números de esta computadora; los mensajes a los pacientes siguen el idioma de cada paciente.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Saved. The new language applies when Orca Desk is started again.</source>
        <translation>Guardado. El nuevo idioma se aplica cuando Orca Desk se vuelva a iniciar.</translation>
    </message>
</context>
<context>
    <name>LegendBar</name>
    <message>
        <source>&lt;span style=&apos;color:{colour}; font-size:x-large&apos;&gt;■&lt;/span&gt;&amp;nbsp;{name}</source>
        <translation>&lt;span style=&apos;color:{colour}; font-size:x-large&apos;&gt;■&lt;/span&gt;&amp;nbsp;{name}</translation>
    </message>
    <message>
        <source>{name}: {default_minutes} min</source>
        <translation>{name}: {default_minutes} min</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>confirmada</translation>
    </message>
    <message>
        <source>requested</source>
        <translation>solicitada</translation>
    </message>
    <message>
        <source>declined</source>
        <translation>rechazada</translation>
    </message>
    <message>
        <source>unconfirmed</source>
        <translation>sin confirmar</translation>
    </message>
    <message>
        <source>series</source>
        <translation>serie</translation>
    </message>
    <message>
        <source>not working</source>
        <translation>no trabaja</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>bloqueado</translation>
    </message>
</context>
<context>
    <name>ListFormPage</name>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Already saved: archive it in Administration once the setup is done.</source>
        <translation>Ya guardado: archívelo en Administración cuando termine la configuración.</translation>
    </message>
</context>
<context>
    <name>LocationsPage</name>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Each office where patients are seen. Times in the appointment book are shown in the location&apos;s own time zone.</source>
        <translation>Cada consultorio donde se atiende a pacientes. Las horas de la agenda se muestran en la zona horaria de cada ubicación.</translation>
    </message>
    <message>
        <source>Add location</source>
        <translation>Agregar ubicación</translation>
    </message>
    <message>
        <source>Type part of a city, e.g. “Chicago” or “London”</source>
        <translation>Escriba parte de una ciudad, p. ej. “Chicago” o “London”</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>opcional</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zona horaria</translation>
    </message>
    <message>
        <source>Type part of a city to search, e.g. “Chicago”.</source>
        <translation>Escriba parte de una ciudad para buscar, p. ej. “Chicago”.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Main office</source>
        <translation>Consultorio principal</translation>
    </message>
    <message>
        <source>Location %1</source>
        <translation>Ubicación %1</translation>
    </message>
    <message>
        <source>add at least one location</source>
        <translation>agregue al menos una ubicación</translation>
    </message>
</context>
<context>
    <name>LocationsTab</name>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zona horaria</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>No locations yet: add the first with New location.</source>
        <translation>Aún no hay ubicaciones: agregue la primera con Nueva ubicación.</translation>
    </message>
    <message>
        <source>New location</source>
        <translation>Nueva ubicación</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>The location&apos;s name</source>
        <translation>El nombre de la ubicación</translation>
    </message>
    <message>
        <source>Fixed once appointments are booked there.</source>
        <translation>Fija una vez que se reservan citas allí.</translation>
    </message>
    <message>
        <source>The location&apos;s street address</source>
        <translation>La dirección de la ubicación</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>The location&apos;s phone number</source>
        <translation>El teléfono de la ubicación</translation>
    </message>
    <message>
        <source>Locations are never deleted: archive their chairs instead.</source>
        <translation>Las ubicaciones nunca se eliminan: archive sus sillones en su lugar.</translation>
    </message>
    <message>
        <source>Location {name} saved</source>
        <translation>Ubicación {name} guardada</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in — Orca Desk</source>
        <translation>Iniciar sesión — Orca Desk</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Nombre de usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Contraseña nueva</translation>
    </message>
    <message>
        <source>Type it again</source>
        <translation>Escríbala otra vez</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Sesión no iniciada</translation>
    </message>
    <message>
        <source>Welcome, {value}. You signed in with a one-time password: choose your own now (at least {MIN_PASSWORD_LENGTH} characters, not your username).</source>
        <translation>Bienvenido(a), {value}. Inició sesión con una contraseña de un solo uso: elija ahora la suya (al menos {MIN_PASSWORD_LENGTH} caracteres, distinta de su nombre de usuario).</translation>
    </message>
    <message>
        <source>Choose your password — Orca Desk</source>
        <translation>Elija su contraseña — Orca Desk</translation>
    </message>
    <message>
        <source>The two passwords differ; type the same password twice.</source>
        <translation>Las dos contraseñas no coinciden; escriba la misma contraseña dos veces.</translation>
    </message>
    <message>
        <source>Password not changed</source>
        <translation>Contraseña no cambiada</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Orca Desk — {name}</source>
        <translation>Orca Desk — {name}</translation>
    </message>
    <message>
        <source>Screens</source>
        <translation>Pantallas</translation>
    </message>
    <message>
        <source>Choose the screen to work in</source>
        <translation>Elegir la pantalla en la que trabajar</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>Navegación</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Día anterior</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Día siguiente</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Deshacer</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rehacer</translation>
    </message>
    <message>
        <source>Day shown</source>
        <translation>Día mostrado</translation>
    </message>
    <message>
        <source>Go to another day in the calendar</source>
        <translation>Ir a otro día del calendario</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>The location whose calendar and lists are shown</source>
        <translation>La ubicación cuyo calendario y listas se muestran</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimir…</translation>
    </message>
    <message>
        <source>Print the day or week ({value})</source>
        <translation>Imprimir el día o la semana ({value})</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Ayuda</translation>
    </message>
    <message>
        <source>About Orca Desk</source>
        <translation>Acerca de Orca Desk</translation>
    </message>
    <message>
        <source>Opens the help menu: about Orca Desk</source>
        <translation>Abre el menú de ayuda: acerca de Orca Desk</translation>
    </message>
    <message>
        <source>Signed in: {value}</source>
        <translation>Sesión: {value}</translation>
    </message>
    <message>
        <source>Automation: not running on this desk</source>
        <translation>Automatización: no se ejecuta en este escritorio</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>Unknown view {key!r}; choose one of {value}.</source>
        <translation>Vista desconocida {key!r}; elija una de {value}.</translation>
    </message>
    <message>
        <source>Previous week</source>
        <translation>Semana anterior</translation>
    </message>
    <message>
        <source>Next week</source>
        <translation>Semana siguiente</translation>
    </message>
    <message>
        <source>Printing is not available here.</source>
        <translation>Aquí no se puede imprimir.</translation>
    </message>
    <message>
        <source>The {view} screen needs a window of at least {value}×{value2} px; it does not fit {value3}×{value4}.</source>
        <translation>La pantalla {view} necesita una ventana de al menos {value}×{value2} px; no cabe en {value3}×{value4}.</translation>
    </message>
    <message>
        <source>Could not write the screenshot to {path!r}.</source>
        <translation>No se pudo escribir la captura de pantalla en {path!r}.</translation>
    </message>
    <message>
        <source>Local database: {0}</source>
        <translation>Base de datos local: {0}</translation>
    </message>
    <message>
        <source>Shared database: {0}</source>
        <translation>Base de datos compartida: {0}</translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <source>Match the file&apos;s columns</source>
        <translation>Asignar las columnas del archivo</translation>
    </message>
    <message>
        <source>The file has no column for {fields}: choose the column that holds it.</source>
        <translation>El archivo no tiene columna para {fields}: elija la columna que lo contiene.</translation>
    </message>
    <message>
        <source>These columns are not read yet: {headers}.</source>
        <translation>Estas columnas aún no se leen: {headers}.</translation>
    </message>
    <message>
        <source>Fields marked * are required. A column left at “not in the file” is not imported.</source>
        <translation>Los campos marcados con * son obligatorios. Una columna dejada en “no está en el archivo” no se importa.</translation>
    </message>
    <message>
        <source>— not in the file —</source>
        <translation>— no está en el archivo —</translation>
    </message>
    <message>
        <source>Choose a column for {fields}.</source>
        <translation>Elija una columna para {fields}.</translation>
    </message>
    <message>
        <source>{a} and {b} read the same column.</source>
        <translation>{a} y {b} leen la misma columna.</translation>
    </message>
</context>
<context>
    <name>MessagePage</name>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Two variants test which message brings families back; the hold-out group gets nothing, so the lift is measured against doing nothing.</source>
        <translation>Dos variantes prueban qué mensaje hace volver a las familias; el grupo de control no recibe nada, así que el efecto se mide frente a no hacer nada.</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Test a second variant (A/B)</source>
        <translation>Probar una segunda variante (A/B)</translation>
    </message>
    <message>
        <source> % hold-out (control, gets nothing)</source>
        <translation> % de control (no recibe nada)</translation>
    </message>
    <message>
        <source>Channels:</source>
        <translation>Canales:</translation>
    </message>
</context>
<context>
    <name>MessagingPage</name>
    <message>
        <source>Messaging</source>
        <translation>Mensajería</translation>
    </message>
    <message>
        <source>Reminders and confirmations go out by text and email. Until you connect an SMS or email service in Settings, messages stay on this computer (the “local” provider) and nothing is sent.</source>
        <translation>Los recordatorios y confirmaciones se envían por mensaje de texto y correo. Hasta que conecte un servicio de SMS o correo en Configuración, los mensajes se quedan en esta computadora (el proveedor “local”) y no se envía nada.</translation>
    </message>
    <message>
        <source>Text messages</source>
        <translation>Mensajes de texto</translation>
    </message>
    <message>
        <source>local (kept in the Outbox, not sent)</source>
        <translation>local (se guardan en la Bandeja de salida, no se envían)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Quiet hours from</source>
        <translation>Horas de silencio desde</translation>
    </message>
    <message>
        <source>until</source>
        <translation>hasta</translation>
    </message>
    <message>
        <source>No automatic message is sent to patients between these times; they wait until the quiet hours end.</source>
        <translation>No se envía ningún mensaje automático a los pacientes entre estas horas; esperan hasta que terminen las horas de silencio.</translation>
    </message>
    <message>
        <source>Next saves this and gives the clinic its standard reminder, confirmation and missed-visit sequences and message templates.</source>
        <translation>Siguiente guarda esto y da a la clínica sus secuencias estándar de recordatorio, confirmación y visita perdida, y sus plantillas de mensajes.</translation>
    </message>
</context>
<context>
    <name>Navigation</name>
    <message>
        <source>Calendar</source>
        <translation>Calendario</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Semana</translation>
    </message>
    <message>
        <source>All locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Schedules</source>
        <translation>Horarios</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>Plantillas</translation>
    </message>
    <message>
        <source>Waitlist</source>
        <translation>Lista de espera</translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation>Recordatorios</translation>
    </message>
    <message>
        <source>Call list</source>
        <translation>Lista de llamadas</translation>
    </message>
    <message>
        <source>Recovery</source>
        <translation>Recuperación</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Campañas</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Outbox</source>
        <translation>Bandeja de salida</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administración</translation>
    </message>
</context>
<context>
    <name>NewPatientDialog</name>
    <message>
        <source>New patient</source>
        <translation>Nuevo paciente</translation>
    </message>
    <message>
        <source>patient&apos;s own mobile (adults)</source>
        <translation>celular propio del paciente (adultos)</translation>
    </message>
    <message>
        <source>Agreed to receive text messages</source>
        <translation>Aceptó recibir mensajes de texto</translation>
    </message>
    <message>
        <source>Agreed to receive email</source>
        <translation>Aceptó recibir correos</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Fecha de nacimiento</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Celular</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Home location</source>
        <translation>Ubicación habitual</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Responsible party (receives the messages)</source>
        <translation>Responsable (recibe los mensajes)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Parentesco</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>Contacto</translation>
    </message>
    <message>
        <source>Preferred</source>
        <translation>Preferido</translation>
    </message>
    <message>
        <source>Consent given by</source>
        <translation>Consentimiento dado por</translation>
    </message>
    <message>
        <source>Add the patient; likely duplicates are shown first</source>
        <translation>Agregar el paciente; antes se muestran los posibles duplicados</translation>
    </message>
    <message>
        <source>Close without adding the patient</source>
        <translation>Cerrar sin agregar el paciente</translation>
    </message>
    <message>
        <source>, born {day}</source>
        <translation>, nació el {day}</translation>
    </message>
    <message>
        <source>This may be a patient you already have: {names}. Find them with Ctrl+F instead, or press Save again to create a new patient.</source>
        <translation>Puede que este paciente ya exista: {names}. Búsquelo con Ctrl+F, o presione Guardar otra vez para crear un paciente nuevo.</translation>
    </message>
    <message>
        <source>Patient not added</source>
        <translation>Paciente no agregado</translation>
    </message>
</context>
<context>
    <name>NoShowCommand</name>
    <message>
        <source>No-show {patient_name}</source>
        <translation>No se presentó: {patient_name}</translation>
    </message>
</context>
<context>
    <name>OccurrenceModel</name>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Now at</source>
        <translation>Ahora en</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
</context>
<context>
    <name>OnlineBookingTab</name>
    <message>
        <source>Families book at /book on the patient-link gateway: live openings, a 5-minute hold, a code texted to their phone. Bookings appear on the calendar as “Booked online”.</source>
        <translation>Las familias reservan en /book en el portal de enlaces para pacientes: horarios libres al momento, una reserva temporal de 5 minutos y un código enviado por mensaje a su teléfono. Las citas aparecen en el calendario como “Reservada en línea”.</translation>
    </message>
    <message>
        <source>Stop or restart online booking at once, for every family</source>
        <translation>Detener o reanudar de inmediato las reservas en línea, para todas las familias</translation>
    </message>
    <message>
        <source>Whether families may book on the booking page</source>
        <translation>Si las familias pueden reservar en la página de reservas</translation>
    </message>
    <message>
        <source>How many days ahead families may book</source>
        <translation>Con cuántos días de anticipación pueden reservar las familias</translation>
    </message>
    <message>
        <source>How many hours before a visit online booking closes</source>
        <translation>Cuántas horas antes de una cita se cierran las reservas en línea</translation>
    </message>
    <message>
        <source>The booking page&apos;s colour, as #rrggbb</source>
        <translation>El color de la página de reservas, como #rrggbb</translation>
    </message>
    <message>
        <source>Save what families may book</source>
        <translation>Guardar lo que pueden reservar las familias</translation>
    </message>
    <message>
        <source>Online bookings whose family may already be a patient</source>
        <translation>Reservas en línea cuya familia puede ya ser paciente</translation>
    </message>
    <message>
        <source>Mark the selected booking as reviewed</source>
        <translation>Marcar la reserva seleccionada como revisada</translation>
    </message>
    <message>
        <source>What families may book</source>
        <translation>Qué pueden reservar las familias</translation>
    </message>
    <message>
        <source>Offer online booking</source>
        <translation>Ofrecer reservas en línea</translation>
    </message>
    <message>
        <source> days ahead</source>
        <translation> días de anticipación</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> horas</translation>
    </message>
    <message>
        <source>Save online booking</source>
        <translation>Guardar reservas en línea</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>Ubicaciones</translation>
    </message>
    <message>
        <source>Visit types</source>
        <translation>Tipos de cita</translation>
    </message>
    <message>
        <source>Booking horizon</source>
        <translation>Horizonte de reserva</translation>
    </message>
    <message>
        <source>Minimum notice</source>
        <translation>Aviso mínimo</translation>
    </message>
    <message>
        <source>Page colour</source>
        <translation>Color de la página</translation>
    </message>
    <message>
        <source>Online bookings to review (may be an existing patient)</source>
        <translation>Reservas en línea por revisar (puede ser un paciente existente)</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservada</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Cita</translation>
    </message>
    <message>
        <source>Booked as</source>
        <translation>Reservada como</translation>
    </message>
    <message>
        <source>Possible match</source>
        <translation>Posible coincidencia</translation>
    </message>
    <message>
        <source>Nothing to review.</source>
        <translation>Nada por revisar.</translation>
    </message>
    <message>
        <source>Mark reviewed</source>
        <translation>Marcar como revisada</translation>
    </message>
    <message>
        <source>Merge the records on the patient card if they are the same child.</source>
        <translation>Una los registros en la ficha del paciente si son el mismo niño.</translation>
    </message>
    <message>
        <source>Families may book this online</source>
        <translation>Las familias pueden reservar esto en línea</translation>
    </message>
    <message>
        <source>Online booking is OFF: families see “please call us”.</source>
        <translation>Las reservas en línea están DESACTIVADAS: las familias ven “por favor llámenos”.</translation>
    </message>
    <message>
        <source>Turn back on</source>
        <translation>Volver a activar</translation>
    </message>
    <message>
        <source>Online booking is ON.</source>
        <translation>Las reservas en línea están ACTIVADAS.</translation>
    </message>
    <message>
        <source>Turn online booking off now</source>
        <translation>Desactivar las reservas en línea ahora</translation>
    </message>
    <message>
        <source>Online booking is not set up.</source>
        <translation>Las reservas en línea no están configuradas.</translation>
    </message>
    <message>
        <source>Online booking not saved</source>
        <translation>Reservas en línea no guardadas</translation>
    </message>
    <message>
        <source>Online booking not changed</source>
        <translation>Reservas en línea sin cambios</translation>
    </message>
    <message>
        <source>Select a booking to mark reviewed.</source>
        <translation>Seleccione una reserva para marcarla como revisada.</translation>
    </message>
    <message>
        <source>Not marked reviewed</source>
        <translation>No se marcó como revisada</translation>
    </message>
</context>
<context>
    <name>Operations</name>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message>
        <source>Could not load</source>
        <translation>No se pudo cargar</translation>
    </message>
</context>
<context>
    <name>OutboxScreen</name>
    <message>
        <source>Outbox</source>
        <translation>Bandeja de salida</translation>
    </message>
    <message>
        <source>Waiting (queued or deferred)</source>
        <translation>En espera (en cola o diferidos)</translation>
    </message>
    <message>
        <source>Problems (failed or undeliverable)</source>
        <translation>Problemas (fallidos o no entregables)</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Search text, address or patient</source>
        <translation>Buscar texto, dirección o paciente</translation>
    </message>
    <message>
        <source>All dates</source>
        <translation>Todas las fechas</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creado</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Purpose</source>
        <translation>Propósito</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todos</translation>
    </message>
    <message>
        <source>List only messages whose text, address or patient matches</source>
        <translation>Listar solo los mensajes cuyo texto, dirección o paciente coincide</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Desde la fecha</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Hasta la fecha</translation>
    </message>
    <message>
        <source>List only the messages in this state</source>
        <translation>Listar solo los mensajes en este estado</translation>
    </message>
    <message>
        <source>List only text messages or only emails</source>
        <translation>Listar solo mensajes de texto o solo correos</translation>
    </message>
    <message>
        <source>List only the messages sent for this purpose</source>
        <translation>Listar solo los mensajes enviados con este fin</translation>
    </message>
    <message>
        <source>List messages of every date; untick to choose the dates</source>
        <translation>Listar mensajes de todas las fechas; desmarque para elegir las fechas</translation>
    </message>
    <message>
        <source>The first day of the messages listed</source>
        <translation>El primer día de los mensajes listados</translation>
    </message>
    <message>
        <source>The last day of the messages listed</source>
        <translation>El último día de los mensajes listados</translation>
    </message>
    <message>
        <source>Read the messages again</source>
        <translation>Volver a leer los mensajes</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>Intentos</translation>
    </message>
    <message>
        <source>Next / sent</source>
        <translation>Próximo / enviado</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Messages sent and queued, newest first; select one to see it</source>
        <translation>Mensajes enviados y en cola, los más recientes primero; seleccione uno para verlo</translation>
    </message>
    <message>
        <source>No messages match: reminders, offers and replies queue here as they are sent; widen the dates or filters.</source>
        <translation>Ningún mensaje coincide: los recordatorios, ofertas y respuestas se ponen en cola aquí al enviarse; amplíe las fechas o los filtros.</translation>
    </message>
    <message>
        <source>Choose a message to see what it says and what happened to it.</source>
        <translation>Elija un mensaje para ver qué dice y qué pasó con él.</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Texto del mensaje</translation>
    </message>
    <message>
        <source>What the selected message says</source>
        <translation>Lo que dice el mensaje seleccionado</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Qué pasó</translation>
    </message>
    <message>
        <source>When the selected message was queued, sent and delivered</source>
        <translation>Cuándo se puso en cola, se envió y se entregó el mensaje seleccionado</translation>
    </message>
    <message>
        <source>Select a message to see when it was queued, sent and delivered.</source>
        <translation>Seleccione un mensaje para ver cuándo se puso en cola, se envió y se entregó.</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Queue a failed, undeliverable or cancelled message again (quiet hours, consent and budgets are checked when it is sent)</source>
        <translation>Poner de nuevo en cola un mensaje fallido, no entregable o cancelado (al enviarse se verifican las horas de silencio, el consentimiento y los presupuestos)</translation>
    </message>
    <message>
        <source>Cancel message</source>
        <translation>Cancelar mensaje</translation>
    </message>
    <message>
        <source>Stop a queued or deferred message from going out</source>
        <translation>Impedir que salga un mensaje en cola o diferido</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>next {0}</source>
        <translation>próximo {0}</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n mensaje</numerusform>
            <numerusform>%n mensajes</numerusform>
        </translation>
    </message>
    <message>
        <source> · showing the newest {shown}, scroll for more</source>
        <translation> · se muestran los {shown} más recientes, desplácese para ver más</translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation>Último error: {error}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Message #{id} queued again</source>
        <translation>Mensaje #{id} puesto de nuevo en cola</translation>
    </message>
    <message>
        <source>Message #{id} cancelled</source>
        <translation>Mensaje #{id} cancelado</translation>
    </message>
</context>
<context>
    <name>PatientCardDialog</name>
    <message>
        <source>Details</source>
        <translation>Datos</translation>
    </message>
    <message>
        <source>Contacts &amp;&amp; consent</source>
        <translation>Contactos y consentimiento</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <source>Visits</source>
        <translation>Visitas</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Waitlist &amp;&amp; recovery</source>
        <translation>Lista de espera y recuperación</translation>
    </message>
    <message>
        <source>Merge a duplicate into this patient…</source>
        <translation>Fusionar un duplicado con este paciente…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Close the patient card</source>
        <translation>Cerrar la ficha del paciente</translation>
    </message>
    <message>
        <source>Patient card: {0}</source>
        <translation>Ficha del paciente: {0}</translation>
    </message>
    <message>
        <source> (merged, inactive)</source>
        <translation> (fusionado, inactivo)</translation>
    </message>
    <message>
        <source>born {0}</source>
        <translation>nació {0}</translation>
    </message>
    <message>
        <source>chart {0}</source>
        <translation>expediente {0}</translation>
    </message>
    <message>
        <source>contact {0}</source>
        <translation>contacto {0}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>next visit {0}</source>
        <translation>próxima visita {0}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Guardado.</translation>
    </message>
    <message>
        <source>Consent not changed</source>
        <translation>Consentimiento sin cambios</translation>
    </message>
    <message>
        <source>Alert not added</source>
        <translation>Alerta no agregada</translation>
    </message>
    <message>
        <source>Choose the alert to remove.</source>
        <translation>Elija la alerta que quiere quitar.</translation>
    </message>
    <message>
        <source>Alert not removed</source>
        <translation>Alerta no quitada</translation>
    </message>
    <message>
        <source>No other patient matches {0!r}.</source>
        <translation>Ningún otro paciente coincide con {0!r}.</translation>
    </message>
    <message>
        <source>Which patient?</source>
        <translation>¿Qué paciente?</translation>
    </message>
    <message>
        <source>Same family as…</source>
        <translation>Misma familia que…</translation>
    </message>
    <message>
        <source>Find the sibling (name or phone):</source>
        <translation>Busque al hermano o hermana (nombre o teléfono):</translation>
    </message>
    <message>
        <source>Not linked</source>
        <translation>No vinculado</translation>
    </message>
    <message>
        <source>Merge a duplicate</source>
        <translation>Fusionar un duplicado</translation>
    </message>
    <message>
        <source>Find the duplicate record:</source>
        <translation>Busque el registro duplicado:</translation>
    </message>
    <message>
        <source>Merge patients</source>
        <translation>Fusionar pacientes</translation>
    </message>
    <message>
        <source>Move every appointment, message, waitlist entry, recovery case and consent record of patient #{0} to this patient, and deactivate #{0}? Both stay in the audit.</source>
        <translation>¿Pasar todas las citas, mensajes, entradas de la lista de espera, casos de recuperación y registros de consentimiento del paciente #{0} a este paciente, y desactivar #{0}? Ambos quedan en la auditoría.</translation>
    </message>
    <message>
        <source>Not merged</source>
        <translation>No fusionado</translation>
    </message>
    <message>
        <source>Merged patient #{0} into this patient.</source>
        <translation>Paciente #{0} fusionado con este paciente.</translation>
    </message>
</context>
<context>
    <name>PatientCardTabs</name>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ninguno)</translation>
    </message>
    <message>
        <source>Empty: the messages use the patient&apos;s language</source>
        <translation>Vacío: los mensajes usan el idioma del paciente</translation>
    </message>
    <message>
        <source>Notes for the front desk</source>
        <translation>Notas para la recepción</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Apellido</translation>
    </message>
    <message>
        <source>Preferred name</source>
        <translation>Nombre preferido</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Fecha de nacimiento</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Chart number</source>
        <translation>Número de expediente</translation>
    </message>
    <message>
        <source>Home location</source>
        <translation>Ubicación habitual</translation>
    </message>
    <message>
        <source>Own contact</source>
        <translation>Contacto propio</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Celular</translation>
    </message>
    <message>
        <source>Preferred</source>
        <translation>Preferido</translation>
    </message>
    <message>
        <source>Responsible party (receives the messages)</source>
        <translation>Responsable (recibe los mensajes)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Parentesco</translation>
    </message>
    <message>
        <source>Same family as…</source>
        <translation>Misma familia que…</translation>
    </message>
    <message>
        <source>Use a sibling&apos;s responsible party, so both get the same messages</source>
        <translation>Usar el responsable de un hermano, para que ambos reciban los mismos mensajes</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Guardar cambios</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>How it was given or withdrawn</source>
        <translation>Cómo se dio o retiró</translation>
    </message>
    <message>
        <source>Text messages</source>
        <translation>Mensajes de texto</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Cambio</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>How</source>
        <translation>Cómo</translation>
    </message>
    <message>
        <source>Recorded by</source>
        <translation>Registrado por</translation>
    </message>
    <message>
        <source>No consent changes recorded yet: the Record consent buttons above add them.</source>
        <translation>Aún no hay cambios de consentimiento registrados: los botones Registrar consentimiento de arriba los agregan.</translation>
    </message>
    <message>
        <source>Consent history (newest first)</source>
        <translation>Historial de consentimiento (más reciente primero)</translation>
    </message>
    <message>
        <source>No alerts: add one above so it shows on every visit in the calendar.</source>
        <translation>Sin alertas: agregue una arriba para que aparezca en cada visita del calendario.</translation>
    </message>
    <message>
        <source>e.g. latex allergy, call father only</source>
        <translation>p. ej. alergia al látex, llamar solo al padre</translation>
    </message>
    <message>
        <source>Add alert</source>
        <translation>Agregar alerta</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>Quitar la seleccionada</translation>
    </message>
    <message>
        <source>Alerts show on this patient&apos;s appointments in the calendar (⚠).</source>
        <translation>Las alertas aparecen en las citas de este paciente en el calendario (⚠).</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No upcoming visits: Book… below adds one.</source>
        <translation>Sin próximas visitas: Reservar… abajo agrega una.</translation>
    </message>
    <message>
        <source>No past visits: completed and missed visits show here.</source>
        <translation>Sin visitas pasadas: aquí aparecen las visitas completadas y perdidas.</translation>
    </message>
    <message>
        <source>Go to next visit</source>
        <translation>Ir a la próxima visita</translation>
    </message>
    <message>
        <source>Book…</source>
        <translation>Reservar…</translation>
    </message>
    <message>
        <source>Open the calendar at the patient&apos;s location, today</source>
        <translation>Abrir el calendario en la ubicación del paciente, hoy</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>Próximas</translation>
    </message>
    <message>
        <source>Past</source>
        <translation>Pasadas</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texto</translation>
    </message>
    <message>
        <source>No messages with this family: reminders and replies show here.</source>
        <translation>Sin mensajes con esta familia: aquí aparecen los recordatorios y las respuestas.</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Agregado</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Not on the waitlist: add the patient on the Waitlist screen.</source>
        <translation>No está en la lista de espera: agregue al paciente en la pantalla Lista de espera.</translation>
    </message>
    <message>
        <source>Missed visit</source>
        <translation>Visita perdida</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>Causa</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>Siguiente paso</translation>
    </message>
    <message>
        <source>No recovery cases: a no-show or late cancellation opens one.</source>
        <translation>Sin casos de recuperación: una ausencia o una cancelación tardía abre uno.</translation>
    </message>
    <message>
        <source>Waitlist entries</source>
        <translation>Entradas de la lista de espera</translation>
    </message>
    <message>
        <source>Recovery cases</source>
        <translation>Casos de recuperación</translation>
    </message>
    <message>
        <source>Same responsible party as: {0}</source>
        <translation>Mismo responsable que: {0}</translation>
    </message>
    <message>
        <source>not agreed</source>
        <translation>no aceptado</translation>
    </message>
    <message>
        <source>agreed</source>
        <translation>aceptado</translation>
    </message>
    <message>
        <source> for {0}</source>
        <translation> para {0}</translation>
    </message>
    <message>
        <source>Withdraw SMS consent</source>
        <translation>Retirar consentimiento de SMS</translation>
    </message>
    <message>
        <source>Record SMS consent</source>
        <translation>Registrar consentimiento de SMS</translation>
    </message>
    <message>
        <source>Withdraw email consent</source>
        <translation>Retirar consentimiento de correo</translation>
    </message>
    <message>
        <source>Record email consent</source>
        <translation>Registrar consentimiento de correo</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>given</source>
        <translation>dado</translation>
    </message>
    <message>
        <source>withdrawn</source>
        <translation>retirado</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>enviado</translation>
    </message>
    <message>
        <source>received</source>
        <translation>recibido</translation>
    </message>
</context>
<context>
    <name>PatientChoices</name>
    <message>
        <source>mother</source>
        <translation>madre</translation>
    </message>
    <message>
        <source>father</source>
        <translation>padre</translation>
    </message>
    <message>
        <source>guardian</source>
        <translation>tutor legal</translation>
    </message>
    <message>
        <source>grandparent</source>
        <translation>abuelo/a</translation>
    </message>
    <message>
        <source>self</source>
        <translation>el propio paciente</translation>
    </message>
    <message>
        <source>phone call</source>
        <translation>llamada telefónica</translation>
    </message>
    <message>
        <source>intake form</source>
        <translation>formulario de admisión</translation>
    </message>
    <message>
        <source>in person</source>
        <translation>en persona</translation>
    </message>
    <message>
        <source>patient portal</source>
        <translation>portal del paciente</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>Text message</source>
        <translation>Mensaje de texto</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Phone call</source>
        <translation>Llamada telefónica</translation>
    </message>
</context>
<context>
    <name>PatientFields</name>
    <message>
        <source>The patient&apos;s given name</source>
        <translation>El nombre de pila del paciente</translation>
    </message>
    <message>
        <source>The patient&apos;s family name</source>
        <translation>El apellido del paciente</translation>
    </message>
    <message>
        <source>The name the patient likes to be called, used in messages</source>
        <translation>El nombre con el que le gusta que lo llamen, usado en los mensajes</translation>
    </message>
    <message>
        <source>The patient&apos;s date of birth; leave it at unknown if not given</source>
        <translation>La fecha de nacimiento del paciente; déjela en desconocida si no se sabe</translation>
    </message>
    <message>
        <source>The language of the patient&apos;s messages</source>
        <translation>El idioma de los mensajes del paciente</translation>
    </message>
    <message>
        <source>The patient&apos;s number in the clinic&apos;s charts</source>
        <translation>El número del paciente en los expedientes de la clínica</translation>
    </message>
    <message>
        <source>The location the patient usually visits</source>
        <translation>La ubicación a la que suele ir el paciente</translation>
    </message>
    <message>
        <source>The patient&apos;s own mobile number, for texts</source>
        <translation>El celular del propio paciente, para los mensajes de texto</translation>
    </message>
    <message>
        <source>The patient&apos;s own email address</source>
        <translation>El correo electrónico del propio paciente</translation>
    </message>
    <message>
        <source>How the family prefers to be reached</source>
        <translation>Cómo prefiere la familia que la contacten</translation>
    </message>
    <message>
        <source>The name of the parent or guardian who receives the messages</source>
        <translation>El nombre del padre, la madre o el tutor que recibe los mensajes</translation>
    </message>
    <message>
        <source>How the responsible party is related to the patient</source>
        <translation>Qué relación tiene el responsable con el paciente</translation>
    </message>
    <message>
        <source>The responsible party&apos;s mobile number; texts go there</source>
        <translation>El celular del responsable; los mensajes de texto van allí</translation>
    </message>
    <message>
        <source>The responsible party&apos;s email address</source>
        <translation>El correo electrónico del responsable</translation>
    </message>
    <message>
        <source>The language of the responsible party&apos;s messages, if not the patient&apos;s</source>
        <translation>El idioma de los mensajes del responsable, si no es el del paciente</translation>
    </message>
    <message>
        <source>Anything staff should know about the patient</source>
        <translation>Lo que el personal debe saber del paciente</translation>
    </message>
    <message>
        <source>On: the family agreed to receive text messages</source>
        <translation>Activado: la familia aceptó recibir mensajes de texto</translation>
    </message>
    <message>
        <source>On: the family agreed to receive email</source>
        <translation>Activado: la familia aceptó recibir correos</translation>
    </message>
    <message>
        <source>How the consent was given or withdrawn, such as in person</source>
        <translation>Cómo se dio o se retiró el consentimiento, por ejemplo en persona</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alertas</translation>
    </message>
    <message>
        <source>Alert kind</source>
        <translation>Tipo de alerta</translation>
    </message>
    <message>
        <source>Alert text</source>
        <translation>Texto de la alerta</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Mensajes</translation>
    </message>
    <message>
        <source>Save the changes to the patient&apos;s details</source>
        <translation>Guardar los cambios en los datos del paciente</translation>
    </message>
    <message>
        <source>Record or withdraw the family&apos;s consent to text messages</source>
        <translation>Registrar o retirar el consentimiento de la familia a los mensajes de texto</translation>
    </message>
    <message>
        <source>Record or withdraw the family&apos;s consent to email</source>
        <translation>Registrar o retirar el consentimiento de la familia al correo</translation>
    </message>
    <message>
        <source>Every consent given or withdrawn, newest first, and by whom</source>
        <translation>Cada consentimiento dado o retirado, el más reciente primero, y quién lo registró</translation>
    </message>
    <message>
        <source>The alerts shown on this patient&apos;s visits in the calendar</source>
        <translation>Las alertas que se muestran en las citas de este paciente en el calendario</translation>
    </message>
    <message>
        <source>The kind of the new alert, such as allergy</source>
        <translation>El tipo de la alerta nueva, por ejemplo alergia</translation>
    </message>
    <message>
        <source>What the new alert says</source>
        <translation>Lo que dice la alerta nueva</translation>
    </message>
    <message>
        <source>Add the alert written beside it</source>
        <translation>Agregar la alerta escrita al lado</translation>
    </message>
    <message>
        <source>Remove the alert selected in the list</source>
        <translation>Quitar la alerta seleccionada en la lista</translation>
    </message>
    <message>
        <source>The patient&apos;s booked visits to come</source>
        <translation>Las próximas citas reservadas del paciente</translation>
    </message>
    <message>
        <source>The patient&apos;s earlier visits, kept or missed</source>
        <translation>Las citas anteriores del paciente, cumplidas o perdidas</translation>
    </message>
    <message>
        <source>Close the card and show the next visit in the calendar</source>
        <translation>Cerrar la ficha y mostrar la próxima cita en el calendario</translation>
    </message>
    <message>
        <source>Texts and emails to and from the family</source>
        <translation>Mensajes de texto y correos enviados a la familia y recibidos de ella</translation>
    </message>
    <message>
        <source>The patient&apos;s waitlist entries</source>
        <translation>Las entradas del paciente en la lista de espera</translation>
    </message>
    <message>
        <source>The cases opened after the patient&apos;s missed visits</source>
        <translation>Los casos abiertos tras las citas perdidas del paciente</translation>
    </message>
    <message>
        <source>Choose a duplicate record to merge into this patient</source>
        <translation>Elegir un registro duplicado para fusionarlo con este paciente</translation>
    </message>
</context>
<context>
    <name>PatientModel</name>
    <message>
        <source> · born {day}</source>
        <translation> · nació el {day}</translation>
    </message>
    <message>
        <source> · parent {name}</source>
        <translation> · padre/madre {name}</translation>
    </message>
    <message>
        <source>no phone</source>
        <translation>sin teléfono</translation>
    </message>
</context>
<context>
    <name>PatientSearchDialog</name>
    <message>
        <source>Find patient</source>
        <translation>Buscar paciente</translation>
    </message>
    <message>
        <source>Name (&quot;Smith, Ava&quot;), guardian, phone, email, birth date or chart</source>
        <translation>Nombre (&quot;Smith, Ava&quot;), tutor, teléfono, correo, fecha de nacimiento o expediente</translation>
    </message>
    <message>
        <source>Choose a patient to see upcoming visits.</source>
        <translation>Elija un paciente para ver sus próximas visitas.</translation>
    </message>
    <message>
        <source>Go to next visit</source>
        <translation>Ir a la próxima visita</translation>
    </message>
    <message>
        <source>New patient…</source>
        <translation>Nuevo paciente…</translation>
    </message>
    <message>
        <source>Open card…</source>
        <translation>Abrir ficha…</translation>
    </message>
    <message>
        <source>{name} has no upcoming visits.</source>
        <translation>{name} no tiene próximas visitas.</translation>
    </message>
</context>
<context>
    <name>PreviewModel</name>
    <message>
        <source>Book</source>
        <translation>Reservar</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Omitir</translation>
    </message>
    <message>
        <source>Use suggested</source>
        <translation>Usar la sugerida</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflictos</translation>
    </message>
    <message>
        <source>Suggested instead</source>
        <translation>Sugerida en su lugar</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Decisión</translation>
    </message>
    <message>
        <source>✓ free</source>
        <translation>✓ libre</translation>
    </message>
    <message>
        <source>none within a week</source>
        <translation>ninguna en una semana</translation>
    </message>
</context>
<context>
    <name>PrintDialog</name>
    <message>
        <source>Print calendar</source>
        <translation>Imprimir calendario</translation>
    </message>
    <message>
        <source>Day sheet</source>
        <translation>Hoja del día</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Semana</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Letter</source>
        <translation>Carta</translation>
    </message>
    <message>
        <source>Portrait</source>
        <translation>Vertical</translation>
    </message>
    <message>
        <source>Landscape</source>
        <translation>Horizontal</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>Escala de grises</translation>
    </message>
    <message>
        <source>Initials only</source>
        <translation>Solo iniciales</translation>
    </message>
    <message>
        <source>Print patients&apos; initials instead of their names</source>
        <translation>Imprimir las iniciales de los pacientes en lugar de sus nombres</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Imprimir</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Columnas</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>Papel</translation>
    </message>
    <message>
        <source>Orientation</source>
        <translation>Orientación</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimir…</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>Guardar PDF…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Print one day&apos;s sheet or the whole week</source>
        <translation>Imprimir la hoja de un día o la semana entera</translation>
    </message>
    <message>
        <source>Whether the page has a column per chair or per provider</source>
        <translation>Si la página tiene una columna por sillón o por profesional</translation>
    </message>
    <message>
        <source>The paper size to print on</source>
        <translation>El tamaño del papel en que se imprime</translation>
    </message>
    <message>
        <source>Print the page upright or sideways</source>
        <translation>Imprimir la página en vertical o en horizontal</translation>
    </message>
    <message>
        <source>On: print in shades of gray, for a black-and-white printer</source>
        <translation>Activado: imprimir en tonos de gris, para una impresora en blanco y negro</translation>
    </message>
    <message>
        <source>Send the pages shown to a printer</source>
        <translation>Enviar las páginas mostradas a una impresora</translation>
    </message>
    <message>
        <source>Save the pages shown as a PDF file</source>
        <translation>Guardar las páginas mostradas como archivo PDF</translation>
    </message>
    <message>
        <source>Close without printing</source>
        <translation>Cerrar sin imprimir</translation>
    </message>
    <message>
        <source>Cannot print: {message}</source>
        <translation>No se puede imprimir: {message}</translation>
    </message>
    <message>
        <source>Cannot print</source>
        <translation>No se puede imprimir</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n página</numerusform>
            <numerusform>%n páginas</numerusform>
        </translation>
    </message>
    <message>
        <source>{pages} · {appointments}</source>
        <translation>{pages} · {appointments}</translation>
    </message>
    <message numerus="yes">
        <source>%n appointment(s)</source>
        <translation>
            <numerusform>%n cita</numerusform>
            <numerusform>%n citas</numerusform>
        </translation>
    </message>
    <message>
        <source>the printer</source>
        <translation>la impresora</translation>
    </message>
    <message numerus="yes">
        <source>Sent %n page(s) to {where}</source>
        <translation>
            <numerusform>Se envió %n página a {where}</numerusform>
            <numerusform>Se enviaron %n páginas a {where}</numerusform>
        </translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>Guardar PDF</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;{day}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;{day}</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message>
        <source>Could not write {path}: {strerror}</source>
        <translation>No se pudo escribir {path}: {strerror}</translation>
    </message>
    <message>
        <source>Saved {name}</source>
        <translation>Guardado {name}</translation>
    </message>
    <message>
        <source>Not printed</source>
        <translation>No impreso</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Orthodontists, hygienists and assistants who see patients: their colour in the book, how many patients they see at once, usual chairs and weekly hours.</source>
        <translation>Ortodoncistas, higienistas y asistentes que atienden a pacientes: su color en la agenda, cuántos pacientes atienden a la vez, sillones habituales y horario semanal.</translation>
    </message>
    <message>
        <source>Add provider</source>
        <translation>Agregar profesional</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>e.g. Dr Jordan Lee</source>
        <translation>p. ej. Dra. Jordan Lee</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>Breaks</source>
        <translation>Descansos</translation>
    </message>
    <message>
        <source>none, or 12:00-13:00</source>
        <translation>ninguno, o 12:00-13:00</translation>
    </message>
    <message>
        <source>Mon–Fri 08:00–17:00, break 12:00–13:00</source>
        <translation>Lun–Vie 08:00–17:00, descanso 12:00–13:00</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>Patients at once</source>
        <translation>Pacientes a la vez</translation>
    </message>
    <message>
        <source>Usual chairs</source>
        <translation>Sillones habituales</translation>
    </message>
    <message>
        <source>Weekly hours</source>
        <translation>Horario semanal</translation>
    </message>
    <message>
        <source>(new provider)</source>
        <translation>(nuevo profesional)</translation>
    </message>
    <message>
        <source>Provider colour</source>
        <translation>Color del profesional</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>start</source>
        <translation>inicio</translation>
    </message>
    <message>
        <source>end</source>
        <translation>fin</translation>
    </message>
    <message>
        <source>breaks</source>
        <translation>descansos</translation>
    </message>
    <message>
        <source>location</source>
        <translation>ubicación</translation>
    </message>
</context>
<context>
    <name>ProvidersTab</name>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>At once</source>
        <translation>A la vez</translation>
    </message>
    <message>
        <source>Usual chairs</source>
        <translation>Sillones habituales</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No providers yet: add one with New provider.</source>
        <translation>Aún no hay profesionales: agregue uno con Nuevo profesional.</translation>
    </message>
    <message>
        <source>New provider</source>
        <translation>Nuevo profesional</translation>
    </message>
    <message>
        <source> patients</source>
        <translation> pacientes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>The provider&apos;s name</source>
        <translation>El nombre del profesional</translation>
    </message>
    <message>
        <source>What the provider does</source>
        <translation>Qué hace el profesional</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>How many patients the provider sees at the same time</source>
        <translation>Cuántos pacientes atiende el profesional a la vez</translation>
    </message>
    <message>
        <source>Tick the chairs the provider works in</source>
        <translation>Marque los sillones en los que trabaja el profesional</translation>
    </message>
    <message>
        <source>Weekly hours on the Schedules screen…</source>
        <translation>Horario semanal en la pantalla Horarios…</translation>
    </message>
    <message>
        <source>Open the Schedules screen to set the provider&apos;s hours</source>
        <translation>Abrir la pantalla de Horarios para fijar las horas del profesional</translation>
    </message>
    <message>
        <source>Hours</source>
        <translation>Horario</translation>
    </message>
    <message>
        <source>Provider {name} saved</source>
        <translation>Profesional {name} guardado</translation>
    </message>
    <message>
        <source>{name} restored</source>
        <translation>{name} restaurado</translation>
    </message>
    <message>
        <source>{name} archived</source>
        <translation>{name} archivado</translation>
    </message>
</context>
<context>
    <name>RebookListDialog</name>
    <message>
        <source>To rebook</source>
        <translation>Por volver a reservar</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Perdidas</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>{type_name} · {minutes} min</source>
        <translation>{type_name} · {minutes} min</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Nobody to rebook: every cancelled or no-show patient of {scope} has a visit booked since.</source>
        <translation>Nadie por volver a reservar: cada paciente cancelado o ausente de {scope} tiene una visita reservada desde entonces.</translation>
    </message>
    <message>
        <source>Cancelled and no-show visits of {scope} whose patient has no visit booked after them. Book one: the patient, type, provider and length are filled in.</source>
        <translation>Visitas canceladas y ausencias de {scope} cuyo paciente no tiene una visita reservada después. Reserve una: se completan el paciente, el tipo, el profesional y la duración.</translation>
    </message>
    <message>
        <source>Book…</source>
        <translation>Reservar…</translation>
    </message>
    <message>
        <source>Book at the free cell selected in the book, else at the next free time you double-click</source>
        <translation>Reservar en la celda libre seleccionada en la agenda; si no, en el próximo horario libre donde haga doble clic</translation>
    </message>
    <message>
        <source>Find next opening…</source>
        <translation>Buscar próximo espacio libre…</translation>
    </message>
</context>
<context>
    <name>RecoveryScreen</name>
    <message>
        <source>No patient at risk: overdue or repeatedly missed visits put a patient on this list.</source>
        <translation>Ningún paciente en riesgo: las visitas atrasadas o faltas repetidas ponen a un paciente en esta lista.</translation>
    </message>
    <message>
        <source>Risk</source>
        <translation>Riesgo</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>Causa</translation>
    </message>
    <message>
        <source>Missed visit</source>
        <translation>Visita perdida</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Next step</source>
        <translation>Siguiente paso</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Vence</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detalle</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Puntaje</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Nivel</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Etapa</translation>
    </message>
    <message>
        <source>Last visit</source>
        <translation>Última visita</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>Casos</translation>
    </message>
    <message>
        <source>Re-booked</source>
        <translation>Reservados de nuevo</translation>
    </message>
    <message>
        <source>Lost</source>
        <translation>Perdidos</translation>
    </message>
    <message>
        <source>Median time to rebook</source>
        <translation>Tiempo medio hasta volver a reservar</translation>
    </message>
    <message>
        <source>Loading the open cases…</source>
        <translation>Cargando los casos abiertos…</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>Casos abiertos</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>En riesgo</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Métricas</translation>
    </message>
    <message>
        <source>Sequence</source>
        <translation>Secuencia</translation>
    </message>
    <message>
        <source>No open cases. A no-show or a late cancellation opens one here, with its follow-up.</source>
        <translation>No hay casos abiertos. Una ausencia o una cancelación tardía abre uno aquí, con su seguimiento.</translation>
    </message>
    <message>
        <source>Patients who missed or cancelled late, most at risk first; select one to follow it up</source>
        <translation>Pacientes que faltaron o cancelaron tarde, los de más riesgo primero; seleccione uno para darle seguimiento</translation>
    </message>
    <message>
        <source>Recovery cases</source>
        <translation>Casos de recuperación</translation>
    </message>
    <message>
        <source>Open cases — most at risk first</source>
        <translation>Casos abiertos — primero los de mayor riesgo</translation>
    </message>
    <message>
        <source>Select a case to see its calls and messages; new cases open after a no-show or late cancel.</source>
        <translation>Seleccione un caso para ver sus llamadas y mensajes; los casos nuevos se abren tras una ausencia o cancelación tardía.</translation>
    </message>
    <message>
        <source>Select a case to see who to call and why.</source>
        <translation>Seleccione un caso para ver a quién llamar y por qué.</translation>
    </message>
    <message>
        <source>Log call outcome…</source>
        <translation>Registrar resultado de la llamada…</translation>
    </message>
    <message>
        <source>Close as lost…</source>
        <translation>Cerrar como perdido…</translation>
    </message>
    <message>
        <source>The calls and messages of the selected case, newest first</source>
        <translation>Las llamadas y mensajes del caso seleccionado, los más recientes primero</translation>
    </message>
    <message>
        <source>Record how a call to the selected case&apos;s family went</source>
        <translation>Registrar cómo fue una llamada a la familia del caso seleccionado</translation>
    </message>
    <message>
        <source>Close the selected case: the patient is not coming back</source>
        <translation>Cerrar el caso seleccionado: el paciente no volverá</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>Caso</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historial</translation>
    </message>
    <message>
        <source>Active patients scoring 25 or more. The score adds no-shows, late cancellations, unconfirmed visits and time since the last visit against the expected interval of their treatment stage; hover a row for the breakdown.</source>
        <translation>Pacientes activos con puntaje de 25 o más. El puntaje suma ausencias, cancelaciones tardías, visitas sin confirmar y el tiempo desde la última visita frente al intervalo esperado de su etapa de tratamiento; pase el cursor sobre una fila para ver el desglose.</translation>
    </message>
    <message>
        <source>Patients at risk</source>
        <translation>Pacientes en riesgo</translation>
    </message>
    <message>
        <source>At-risk patients</source>
        <translation>Pacientes en riesgo</translation>
    </message>
    <message>
        <source>Recovery cases by week (last {METRICS_DAYS} days)</source>
        <translation>Casos de recuperación por semana (últimos {METRICS_DAYS} días)</translation>
    </message>
    <message>
        <source>No cases yet: a no-show or late cancellation opens one, counted here by provider and location.</source>
        <translation>Aún no hay casos: una ausencia o una cancelación tardía abre uno, contado aquí por profesional y ubicación.</translation>
    </message>
    <message>
        <source>Recovery cases opened, rebooked and lost, per provider, location, visit type and cause</source>
        <translation>Casos de recuperación abiertos, vueltos a reservar y perdidos, por profesional, ubicación, tipo de cita y causa</translation>
    </message>
    <message>
        <source>By provider, location, visit type and cause</source>
        <translation>Por profesional, ubicación, tipo de visita y causa</translation>
    </message>
    <message>
        <source>Scoring the active patients…</source>
        <translation>Calculando el puntaje de los pacientes activos…</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count}&lt;/b&gt; open cases ({due} with a step due)</source>
        <translation>&lt;b&gt;{count}&lt;/b&gt; casos abiertos ({due} con un paso vencido)</translation>
    </message>
    <message>
        <source>The at-risk list could not be loaded: {exc}</source>
        <translation>No se pudo cargar la lista de riesgo: {exc}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{value}&lt;/b&gt; open cases ({due} with a step due) · recovery rate &lt;b&gt;{recovery_rate:.0%}&lt;/b&gt; over {METRICS_DAYS} days · median time to rebook &lt;b&gt;{value2}&lt;/b&gt;</source>
        <translation>&lt;b&gt;{value}&lt;/b&gt; casos abiertos ({due} con un paso vencido) · tasa de recuperación &lt;b&gt;{recovery_rate:.0%}&lt;/b&gt; en {METRICS_DAYS} días · tiempo medio hasta volver a reservar &lt;b&gt;{value2}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Visit type</source>
        <translation>Tipo de visita</translation>
    </message>
    <message>
        <source>{cases} cases opened: &lt;b&gt;{rescheduled}&lt;/b&gt; re-booked, {lost} lost, {open} open, {contacted} contacted, {closed} closed (visit restored or nothing to recover).</source>
        <translation>{cases} casos abiertos: &lt;b&gt;{rescheduled}&lt;/b&gt; reservados de nuevo, {lost} perdidos, {open} abiertos, {contacted} contactados, {closed} cerrados (visita restablecida o nada que recuperar).</translation>
    </message>
    <message>
        <source>Cases opened</source>
        <translation>Casos abiertos</translation>
    </message>
    <message>
        <source>no cases yet</source>
        <translation>aún no hay casos</translation>
    </message>
    <message>
        <source>No open cases: every missed visit has been followed up.</source>
        <translation>No hay casos abiertos: se dio seguimiento a cada visita perdida.</translation>
    </message>
    <message>
        <source>&lt;li&gt;No risk factors.&lt;/li&gt;</source>
        <translation>&lt;li&gt;Sin factores de riesgo.&lt;/li&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;{patient_name}&lt;/b&gt; — {cause_label} of the {value} on {missed_text} with {provider} at {location}&lt;br&gt;Call &lt;b&gt;{responsible}&lt;/b&gt; {phone}&lt;br&gt;Next: &lt;b&gt;{value2}&lt;/b&gt; {value3}&lt;br&gt;At-risk score &lt;b style=&apos;color:{colour}&apos;&gt;{score} ({level})&lt;/b&gt;:&lt;ul style=&apos;margin:2px 0 0 -20px&apos;&gt;{factors}&lt;/ul&gt;</source>
        <translation>&lt;b&gt;{patient_name}&lt;/b&gt; — {cause_label} de {value} el {missed_text} con {provider} en {location}&lt;br&gt;Llamar a &lt;b&gt;{responsible}&lt;/b&gt; {phone}&lt;br&gt;Siguiente: &lt;b&gt;{value2}&lt;/b&gt; {value3}&lt;br&gt;Puntaje de riesgo &lt;b style=&apos;color:{colour}&apos;&gt;{score} ({level})&lt;/b&gt;:&lt;ul style=&apos;margin:2px 0 0 -20px&apos;&gt;{factors}&lt;/ul&gt;</translation>
    </message>
    <message>
        <source>Log call outcome</source>
        <translation>Registrar resultado de la llamada</translation>
    </message>
    <message>
        <source>How did the call to {responsible} go?</source>
        <translation>¿Cómo fue la llamada a {responsible}?</translation>
    </message>
    <message>
        <source>Call to {patient_name} logged</source>
        <translation>Llamada a {patient_name} registrada</translation>
    </message>
    <message>
        <source>Close as lost</source>
        <translation>Cerrar como perdido</translation>
    </message>
    <message>
        <source>Why is {patient_name} not coming back?</source>
        <translation>¿Por qué no regresa {patient_name}?</translation>
    </message>
    <message>
        <source>{patient_name}&apos;s case closed as lost</source>
        <translation>Caso de {patient_name} cerrado como perdido</translation>
    </message>
    <message>
        <source>{value} h</source>
        <translation>{value} h</translation>
    </message>
    <message>
        <source>{value} days</source>
        <translation>{value} días</translation>
    </message>
</context>
<context>
    <name>RecurrenceDialog</name>
    <message>
        <source>Repeat — {patient_name}</source>
        <translation>Repetir — {patient_name}</translation>
    </message>
    <message>
        <source>Save series</source>
        <translation>Guardar serie</translation>
    </message>
    <message>
        <source>&lt;b&gt;{patient_name}&lt;/b&gt; · {type_name} · {minutes} min · {provider} · {chair_name}&lt;br&gt;from {value} at {value2}</source>
        <translation>&lt;b&gt;{patient_name}&lt;/b&gt; · {type_name} · {minutes} min · {provider} · {chair_name}&lt;br&gt;desde el {value} a las {value2}</translation>
    </message>
    <message numerus="yes">
        <source>week(s)</source>
        <translation>
            <numerusform>semana</numerusform>
            <numerusform>semanas</numerusform>
        </translation>
    </message>
    <message>
        <source>Daily</source>
        <translation>Diaria</translation>
    </message>
    <message numerus="yes">
        <source>day(s)</source>
        <translation>
            <numerusform>día</numerusform>
            <numerusform>días</numerusform>
        </translation>
    </message>
    <message>
        <source>Weekly</source>
        <translation>Semanal</translation>
    </message>
    <message>
        <source>Monthly</source>
        <translation>Mensual</translation>
    </message>
    <message numerus="yes">
        <source>month(s)</source>
        <translation>
            <numerusform>mes</numerusform>
            <numerusform>meses</numerusform>
        </translation>
    </message>
    <message>
        <source>Custom rule (RFC 5545)</source>
        <translation>Regla personalizada (RFC 5545)</translation>
    </message>
    <message>
        <source>1st</source>
        <translation>1.º</translation>
    </message>
    <message>
        <source>2nd</source>
        <translation>2.º</translation>
    </message>
    <message>
        <source>3rd</source>
        <translation>3.º</translation>
    </message>
    <message>
        <source>4th</source>
        <translation>4.º</translation>
    </message>
    <message>
        <source>last</source>
        <translation>último</translation>
    </message>
    <message>
        <source>Every</source>
        <translation>Cada</translation>
    </message>
    <message>
        <source>e.g. FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=6</source>
        <translation>p. ej. FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=6</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>Termina</translation>
    </message>
    <message>
        <source>On day {day}</source>
        <translation>El día {day}</translation>
    </message>
    <message>
        <source>On the … {weekday}</source>
        <translation>El … {weekday}</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Después de</translation>
    </message>
    <message>
        <source>On</source>
        <translation>El</translation>
    </message>
    <message>
        <source>Never (booked 12 months ahead, extended automatically)</source>
        <translation>Nunca (se reserva con 12 meses de anticipación y se extiende automáticamente)</translation>
    </message>
    <message numerus="yes">
        <source>time(s)</source>
        <translation>
            <numerusform>vez</numerusform>
            <numerusform>veces</numerusform>
        </translation>
    </message>
    <message>
        <source>{dates}{more} · {conflicts} · {book} · {skip}</source>
        <translation>{dates}{more} · {conflicts} · {book} · {skip}</translation>
    </message>
    <message numerus="yes">
        <source>%n date(s)</source>
        <translation>
            <numerusform>%n fecha</numerusform>
            <numerusform>%n fechas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with conflicts</source>
        <translation>
            <numerusform>%n con conflicto</numerusform>
            <numerusform>%n con conflictos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n to book</source>
        <translation>
            <numerusform>%n para reservar</numerusform>
            <numerusform>%n para reservar</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped</source>
        <translation>
            <numerusform>%n omitida</numerusform>
            <numerusform>%n omitidas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> · %n conflicting date(s) set to book will be refused</source>
        <translation>
            <numerusform> · %n fecha con conflicto marcada para reservar será rechazada</numerusform>
            <numerusform> · %n fechas con conflicto marcadas para reservar serán rechazadas</numerusform>
        </translation>
    </message>
    <message>
        <source>Use suggested time</source>
        <translation>Usar el horario sugerido</translation>
    </message>
    <message>
        <source>Skip date</source>
        <translation>Omitir fecha</translation>
    </message>
    <message>
        <source>Book as is</source>
        <translation>Reservar tal cual</translation>
    </message>
    <message>
        <source>Stop checking</source>
        <translation>Dejar de verificar</translation>
    </message>
    <message>
        <source>RRULE:{rule}</source>
        <translation>RRULE:{rule}</translation>
    </message>
    <message>
        <source>The rule is not valid: {problem}</source>
        <translation>La regla no es válida: {problem}</translation>
    </message>
    <message>
        <source>Checking stopped. Change the rule to check again.</source>
        <translation>Verificación detenida. Cambie la regla para verificar de nuevo.</translation>
    </message>
    <message>
        <source>The rule is not valid: {exc}</source>
        <translation>La regla no es válida: {exc}</translation>
    </message>
    <message>
        <source>The dates could not be checked: {exc}</source>
        <translation>No se pudieron verificar las fechas: {exc}</translation>
    </message>
    <message>
        <source> (12 months; later ones are booked as they come)</source>
        <translation> (12 meses; las siguientes se reservan a medida que llegan)</translation>
    </message>
    <message>
        <source>Series not created</source>
        <translation>Serie no creada</translation>
    </message>
</context>
<context>
    <name>RemindersScreen</name>
    <message>
        <source>New sequence</source>
        <translation>Nueva secuencia</translation>
    </message>
    <message>
        <source>The reminder sequences; select one to edit it</source>
        <translation>Las secuencias de recordatorios; seleccione una para editarla</translation>
    </message>
    <message>
        <source>Start a new reminder sequence in the editor</source>
        <translation>Iniciar una secuencia de recordatorios nueva en el editor</translation>
    </message>
    <message>
        <source>Sequences</source>
        <translation>Secuencias</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Análisis</translation>
    </message>
    <message>
        <source>Confirmations</source>
        <translation>Confirmaciones</translation>
    </message>
    <message>
        <source>default</source>
        <translation>predeterminada</translation>
    </message>
    <message>
        <source>inactive</source>
        <translation>inactiva</translation>
    </message>
</context>
<context>
    <name>RescheduleDialog</name>
    <message>
        <source>Reschedule {patient_name}</source>
        <translation>Reprogramar a {patient_name}</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>Sillón</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Mover</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Review and launch</source>
        <translation>Revisar y lanzar</translation>
    </message>
    <message>
        <source>Launch when I click Finish (otherwise save as a draft)</source>
        <translation>Lanzar al hacer clic en Finalizar (si no, guardar como borrador)</translation>
    </message>
    <message>
        <source>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Audience: {value} — &lt;b&gt;{reach}&lt;/b&gt; patients (about {control} held out as the control group)&lt;br&gt;Channels: {value2}&lt;br&gt;Variants: {split}&lt;br&gt;Starts {starts} at {send_rate_per_hour}/hour: about {hours:.1f} h of sending&lt;br&gt;Results: bookings within {attribution_days} days of each message, against the control group.&lt;br&gt;&lt;br&gt;&lt;i&gt;Preview of A (SMS):&lt;/i&gt; {value3}</source>
        <translation>&lt;b&gt;{name}&lt;/b&gt;&lt;br&gt;Audiencia: {value} — &lt;b&gt;{reach}&lt;/b&gt; pacientes (unos {control} apartados como grupo de control)&lt;br&gt;Canales: {value2}&lt;br&gt;Variantes: {split}&lt;br&gt;Empieza {starts} a {send_rate_per_hour}/hora: unas {hours:.1f} h de envío&lt;br&gt;Resultados: reservas dentro de {attribution_days} días de cada mensaje, frente al grupo de control.&lt;br&gt;&lt;br&gt;&lt;i&gt;Vista previa de A (SMS):&lt;/i&gt; {value3}</translation>
    </message>
</context>
<context>
    <name>ScheduleForms</name>
    <message>
        <source>Sand</source>
        <translation>Arena</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Gris</translation>
    </message>
    <message>
        <source>Rose</source>
        <translation>Rosa</translation>
    </message>
    <message>
        <source>Sky</source>
        <translation>Cielo</translation>
    </message>
    <message>
        <source>Mint</source>
        <translation>Menta</translation>
    </message>
    <message>
        <source>Does not repeat</source>
        <translation>No se repite</translation>
    </message>
    <message>
        <source>Every weekday</source>
        <translation>Cada día hábil</translation>
    </message>
    <message>
        <source>Every week</source>
        <translation>Cada semana</translation>
    </message>
    <message>
        <source>Every 2 weeks</source>
        <translation>Cada 2 semanas</translation>
    </message>
    <message>
        <source>Custom rule (RRULE)…</source>
        <translation>Regla personalizada (RRULE)…</translation>
    </message>
    <message>
        <source>Time off (this provider)</source>
        <translation>Día libre (este profesional)</translation>
    </message>
    <message>
        <source>Holiday (whole clinic)</source>
        <translation>Feriado (toda la clínica)</translation>
    </message>
    <message>
        <source>Holiday (one location)</source>
        <translation>Feriado (una ubicación)</translation>
    </message>
    <message>
        <source>Extra working day (this provider)</source>
        <translation>Día laborable adicional (este profesional)</translation>
    </message>
    <message>
        <source>Vacation</source>
        <translation>Vacaciones</translation>
    </message>
    <message>
        <source>Sick</source>
        <translation>Enfermedad</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Formación</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
    <message>
        <source>Part of the day</source>
        <translation>Parte del día</translation>
    </message>
    <message>
        <source>e.g. Thanksgiving, Family trip</source>
        <translation>p. ej. Día de Acción de Gracias, viaje familiar</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Clase</translation>
    </message>
    <message>
        <source>Days</source>
        <translation>Días</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Add an exception</source>
        <translation>Agregar una excepción</translation>
    </message>
    <message>
        <source>First day</source>
        <translation>Primer día</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>Último día</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Desde</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Hasta</translation>
    </message>
    <message>
        <source>Time off, or extra hours worked</source>
        <translation>Días libres, u horas extra trabajadas</translation>
    </message>
    <message>
        <source>The first day of the exception</source>
        <translation>El primer día de la excepción</translation>
    </message>
    <message>
        <source>The last day of the exception</source>
        <translation>El último día de la excepción</translation>
    </message>
    <message>
        <source>On: only the hours given beside it, not the whole day</source>
        <translation>Activado: solo las horas indicadas al lado, no el día entero</translation>
    </message>
    <message>
        <source>When the part of the day starts</source>
        <translation>Cuándo empieza la parte del día</translation>
    </message>
    <message>
        <source>When the part of the day ends</source>
        <translation>Cuándo termina la parte del día</translation>
    </message>
    <message>
        <source>Why the time is off, such as holiday or vacation</source>
        <translation>Por qué es tiempo libre, por ejemplo feriado o vacaciones</translation>
    </message>
    <message>
        <source>The location the exception is for</source>
        <translation>La ubicación a la que se aplica la excepción</translation>
    </message>
    <message>
        <source>A name shown in the list and the calendar</source>
        <translation>Un nombre que se muestra en la lista y en el calendario</translation>
    </message>
    <message>
        <source>e.g. Staff meeting, Lunch, Training</source>
        <translation>p. ej. Reunión del personal, almuerzo, capacitación</translation>
    </message>
    <message>
        <source>FREQ=WEEKLY;BYDAY=WE;COUNT=10</source>
        <translation>FREQ=WEEKLY;BYDAY=WE;COUNT=10</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Bloquea</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Add a block</source>
        <translation>Agregar un bloqueo</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Custom repeat rule</source>
        <translation>Regla de repetición personalizada</translation>
    </message>
    <message>
        <source>The location of the time blocked</source>
        <translation>La ubicación del tiempo bloqueado</translation>
    </message>
    <message>
        <source>Who or what is blocked: the provider, everyone, or one chair</source>
        <translation>Quién o qué se bloquea: el profesional, todos o un sillón</translation>
    </message>
    <message>
        <source>The day of the block (the first, if it repeats)</source>
        <translation>El día del bloqueo (el primero, si se repite)</translation>
    </message>
    <message>
        <source>When the block starts</source>
        <translation>Cuándo empieza el bloqueo</translation>
    </message>
    <message>
        <source>When the block ends</source>
        <translation>Cuándo termina el bloqueo</translation>
    </message>
    <message>
        <source>Why the time is blocked, shown on the block</source>
        <translation>Por qué se bloquea el tiempo, se muestra en el bloqueo</translation>
    </message>
    <message>
        <source>The colour of the block in the calendar</source>
        <translation>El color del bloqueo en el calendario</translation>
    </message>
    <message>
        <source>Whether and how often the block repeats</source>
        <translation>Si el bloqueo se repite y con qué frecuencia</translation>
    </message>
    <message>
        <source>An iCalendar repeat rule, used when Repeat is Custom</source>
        <translation>Una regla de repetición de iCalendar, usada cuando Repetir es Personalizado</translation>
    </message>
    <message>
        <source>This provider</source>
        <translation>Este profesional</translation>
    </message>
    <message>
        <source>Everyone at the location</source>
        <translation>Todos en la ubicación</translation>
    </message>
    <message>
        <source>Chair: {name}</source>
        <translation>Sillón: {name}</translation>
    </message>
</context>
<context>
    <name>SchedulePage</name>
    <message>
        <source>Schedule</source>
        <translation>Programación</translation>
    </message>
    <message>
        <source>Messages go out at the send rate from the start; quiet hours and each family&apos;s contact budget still apply when each one is sent.</source>
        <translation>Los mensajes salen al ritmo de envío desde el inicio; las horas de silencio y el límite de contactos de cada familia se siguen aplicando al enviar cada uno.</translation>
    </message>
    <message>
        <source> messages / hour</source>
        <translation> mensajes / hora</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>Start ({key})</source>
        <translation>Inicio ({key})</translation>
    </message>
    <message>
        <source>Send rate</source>
        <translation>Ritmo de envío</translation>
    </message>
    <message>
        <source>Count a booking as a result within</source>
        <translation>Contar una reserva como resultado dentro de</translation>
    </message>
</context>
<context>
    <name>SchedulesScreen</name>
    <message>
        <source>{role}, sees up to {count} at once</source>
        <translation>{role}, atiende hasta {count} a la vez</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Durante</translation>
    </message>
    <message>
        <source>Whole clinic</source>
        <translation>Toda la clínica</translation>
    </message>
    <message>
        <source>this provider</source>
        <translation>este profesional</translation>
    </message>
    <message>
        <source>all of {location}</source>
        <translation>todo {location}</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Repeats</source>
        <translation>Se repite</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Profesionales</translation>
    </message>
    <message>
        <source>Choose the provider whose schedule is shown</source>
        <translation>Elegir el profesional cuyo horario se muestra</translation>
    </message>
    <message>
        <source>Find next opening…</source>
        <translation>Buscar espacio libre…</translation>
    </message>
    <message>
        <source>Find the next openings and book one (Ctrl+N)</source>
        <translation>Buscar los próximos espacios libres y reservar uno (Ctrl+N)</translation>
    </message>
    <message>
        <source>Check appointments</source>
        <translation>Revisar citas</translation>
    </message>
    <message>
        <source>Save hours</source>
        <translation>Guardar horario</translation>
    </message>
    <message>
        <source>List the booked visits these hours would leave out, before saving</source>
        <translation>Listar las visitas reservadas que este horario dejaría fuera, antes de guardar</translation>
    </message>
    <message>
        <source>Save the weekly hours from the date chosen</source>
        <translation>Guardar el horario semanal a partir de la fecha elegida</translation>
    </message>
    <message>
        <source>No booked visit falls outside these hours: Preview lists any the new week would leave out.</source>
        <translation>Ninguna visita reservada queda fuera de este horario: Vista previa lista las que la nueva semana dejaría fuera.</translation>
    </message>
    <message>
        <source>No days off or changed hours: add time off or extra hours with the form below.</source>
        <translation>Sin días libres ni horarios cambiados: agregue días libres u horas extra con el formulario de abajo.</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Agregar</translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation>Quitar la seleccionada</translation>
    </message>
    <message>
        <source>Import time off (.ics)…</source>
        <translation>Importar días libres (.ics)…</translation>
    </message>
    <message>
        <source>Schedule exceptions</source>
        <translation>Excepciones del horario</translation>
    </message>
    <message>
        <source>Days off and changed hours, by provider and location</source>
        <translation>Días libres y horarios cambiados, por profesional y ubicación</translation>
    </message>
    <message>
        <source>Add the exception described in the form above</source>
        <translation>Agregar la excepción descrita en el formulario de arriba</translation>
    </message>
    <message>
        <source>Add time off from a calendar file (.ics)</source>
        <translation>Agregar días libres desde un archivo de calendario (.ics)</translation>
    </message>
    <message>
        <source>Remove the selected exception</source>
        <translation>Quitar la excepción seleccionada</translation>
    </message>
    <message>
        <source>No blocked time: block a chair or provider for a meeting or lunch with the form below.</source>
        <translation>Sin tiempo bloqueado: bloquee un sillón o un profesional para una reunión o el almuerzo con el formulario de abajo.</translation>
    </message>
    <message>
        <source>Add block</source>
        <translation>Agregar bloqueo</translation>
    </message>
    <message>
        <source>Blocked time</source>
        <translation>Tiempo bloqueado</translation>
    </message>
    <message>
        <source>Time blocked for meetings, lunch or training, by chair or provider</source>
        <translation>Tiempo bloqueado para reuniones, almuerzo o formación, por sillón o profesional</translation>
    </message>
    <message>
        <source>Block the time described in the form above</source>
        <translation>Bloquear el tiempo descrito en el formulario de arriba</translation>
    </message>
    <message>
        <source>Remove the selected block</source>
        <translation>Quitar el bloqueo seleccionado</translation>
    </message>
    <message>
        <source>Not saved: {exc}</source>
        <translation>No guardado: {exc}</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message numerus="yes">
        <source>%n booked appointment(s) would fall outside the new hours. They stay booked: saving never moves or deletes an appointment.</source>
        <translation>
            <numerusform>%n cita reservada quedaría fuera del nuevo horario. Sigue reservada: guardar nunca mueve ni elimina una cita.</numerusform>
            <numerusform>%n citas reservadas quedarían fuera del nuevo horario. Siguen reservadas: guardar nunca mueve ni elimina una cita.</numerusform>
        </translation>
    </message>
    <message>
        <source>Appointments outside the new hours</source>
        <translation>Citas fuera del nuevo horario</translation>
    </message>
    <message>
        <source>These appointments would fall outside the new hours. They stay booked; reschedule them if needed.

{lines}{more}

Save the new hours?</source>
        <translation>Estas citas quedarían fuera del nuevo horario. Siguen reservadas; reprográmelas si hace falta.

{lines}{more}

¿Guardar el nuevo horario?</translation>
    </message>
    <message>
        <source>Hours not saved</source>
        <translation>Horario no guardado</translation>
    </message>
    <message>
        <source>Hours saved from {start}</source>
        <translation>Horario guardado desde el {start}</translation>
    </message>
    <message>
        <source>Added {value}</source>
        <translation>Agregado: {value}</translation>
    </message>
    <message>
        <source>Select an exception to remove.</source>
        <translation>Seleccione una excepción para quitarla.</translation>
    </message>
    <message>
        <source>Removed {label}</source>
        <translation>Quitado: {label}</translation>
    </message>
    <message>
        <source>Could not read {name}: {strerror}.</source>
        <translation>No se pudo leer {name}: {strerror}.</translation>
    </message>
    <message>
        <source>Not imported</source>
        <translation>No importado</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n time-off event(s), </source>
        <translation>
            <numerusform>Se importó %n evento de días libres, </numerusform>
            <numerusform>Se importaron %n eventos de días libres, </numerusform>
        </translation>
    </message>
    <message>
        <source>skipped {skipped}{notes}</source>
        <translation>omitidos {skipped}{notes}</translation>
    </message>
    <message>
        <source>Write the custom repeat rule, e.g. FREQ=WEEKLY;BYDAY=WE.</source>
        <translation>Escriba la regla de repetición personalizada, p. ej. FREQ=WEEKLY;BYDAY=WE.</translation>
    </message>
    <message>
        <source>Block added</source>
        <translation>Bloqueo agregado</translation>
    </message>
    <message>
        <source>Select a block to remove.</source>
        <translation>Seleccione un bloqueo para quitarlo.</translation>
    </message>
    <message>
        <source>Removed block {reason}</source>
        <translation>Bloqueo quitado: {reason}</translation>
    </message>
    <message>
        <source>Appointment booked</source>
        <translation>Cita reservada</translation>
    </message>
    <message>
        <source>No booked appointment falls outside the new hours.</source>
        <translation>Ninguna cita reservada queda fuera del nuevo horario.</translation>
    </message>
    <message>
        <source>Weekly hours</source>
        <translation>Horario semanal</translation>
    </message>
    <message>
        <source>Holidays &amp;&amp; time off</source>
        <translation>Feriados y días libres</translation>
    </message>
    <message>
        <source>Blocks</source>
        <translation>Bloqueos</translation>
    </message>
    <message>
        <source>Import time off</source>
        <translation>Importar días libres</translation>
    </message>
</context>
<context>
    <name>SegmentWords</name>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n carácter</numerusform>
            <numerusform>%n caracteres</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n segmento</numerusform>
            <numerusform>%n segmentos</numerusform>
        </translation>
    </message>
    <message>
        <source> (counts as {units})</source>
        <translation> (cuenta como {units})</translation>
    </message>
</context>
<context>
    <name>SequenceEditor</name>
    <message>
        <source>What happens after a missed visit, in order. Each step runs its delay after the case opened; a booking stops the sequence. Open cases keep their place when you save.</source>
        <translation>Lo que pasa después de una visita perdida, en orden. Cada paso se ejecuta con su demora después de abrirse el caso; una reserva detiene la secuencia. Los casos abiertos conservan su lugar al guardar.</translation>
    </message>
    <message>
        <source>Recovery steps</source>
        <translation>Pasos de recuperación</translation>
    </message>
    <message>
        <source>The steps after a missed visit, in order; edit a cell to change its delay, action or message</source>
        <translation>Los pasos tras una cita perdida, en orden; edite una celda para cambiar su demora, acción o mensaje</translation>
    </message>
    <message>
        <source>Add step</source>
        <translation>Agregar paso</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Subir</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Bajar</translation>
    </message>
    <message>
        <source>Add a step after the selected one</source>
        <translation>Agregar un paso después del seleccionado</translation>
    </message>
    <message>
        <source>Remove the selected step from the sequence</source>
        <translation>Quitar de la secuencia el paso seleccionado</translation>
    </message>
    <message>
        <source>Run the selected step earlier in the sequence</source>
        <translation>Ejecutar antes en la secuencia el paso seleccionado</translation>
    </message>
    <message>
        <source>Run the selected step later in the sequence</source>
        <translation>Ejecutar después en la secuencia el paso seleccionado</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>On: a visit the patient missed opens a recovery case</source>
        <translation>Activado: una cita a la que el paciente faltó abre un caso de recuperación</translation>
    </message>
    <message>
        <source>On: a visit cancelled too late opens a recovery case</source>
        <translation>Activado: una cita cancelada demasiado tarde abre un caso de recuperación</translation>
    </message>
    <message>
        <source>On: this kind of missed visit opens a case</source>
        <translation>Activado: este tipo de cita perdida abre un caso</translation>
    </message>
    <message>
        <source>Days after the last step before an unbooked case counts as lost</source>
        <translation>Días tras el último paso antes de que un caso sin reservar cuente como perdido</translation>
    </message>
    <message>
        <source>A case starts after a</source>
        <translation>Un caso empieza después de</translation>
    </message>
    <message>
        <source>Lost when not booked</source>
        <translation>Perdido si no reserva</translation>
    </message>
    <message>
        <source>after the last step</source>
        <translation>después del último paso</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Revertir</translation>
    </message>
    <message>
        <source>Save sequence</source>
        <translation>Guardar secuencia</translation>
    </message>
    <message>
        <source>Drop unsaved changes and show the saved sequence</source>
        <translation>Descartar los cambios sin guardar y mostrar la secuencia guardada</translation>
    </message>
    <message>
        <source>Save the steps and options for new and open cases</source>
        <translation>Guardar los pasos y las opciones para los casos nuevos y abiertos</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Select a step to see its message.</source>
        <translation>Seleccione un paso para ver su mensaje.</translation>
    </message>
    <message>
        <source>Last saved {value}</source>
        <translation>Guardado por última vez {value}</translation>
    </message>
    <message>
        <source>The default sequence (never changed).</source>
        <translation>La secuencia predeterminada (nunca cambiada).</translation>
    </message>
    <message>
        <source>Unsaved changes.</source>
        <translation>Cambios sin guardar.</translation>
    </message>
    <message>
        <source>Recovery sequence</source>
        <translation>Secuencia de recuperación</translation>
    </message>
    <message>
        <source>Recovery sequence saved</source>
        <translation>Secuencia de recuperación guardada</translation>
    </message>
    <message>
        <source>Not saved. </source>
        <translation>No guardado. </translation>
    </message>
    <message>
        <source>&lt;b&gt;{key}&lt;/b&gt; — there is no {action} template with this key.</source>
        <translation>&lt;b&gt;{key}&lt;/b&gt; — no hay ninguna plantilla de {action} con esta clave.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{key}&lt;/b&gt; — subject: {subject}</source>
        <translation>&lt;b&gt;{key}&lt;/b&gt; — asunto: {subject}</translation>
    </message>
    <message>
        <source>Default (types without their own sequence)</source>
        <translation>Predeterminada (tipos sin secuencia propia)</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activa</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Appointment types</source>
        <translation>Tipos de cita</translation>
    </message>
    <message>
        <source>The sequence&apos;s name, as the desk sees it</source>
        <translation>El nombre de la secuencia, tal como lo ve recepción</translation>
    </message>
    <message>
        <source>Use this sequence for appointment types that have none of their own</source>
        <translation>Usar esta secuencia para los tipos de cita que no tienen una propia</translation>
    </message>
    <message>
        <source>Send this sequence&apos;s reminders; off keeps it without sending</source>
        <translation>Enviar los recordatorios de esta secuencia; desactivada se guarda sin enviar</translation>
    </message>
    <message>
        <source>Tick the appointment types whose visits get this sequence</source>
        <translation>Marque los tipos de cita cuyas visitas reciben esta secuencia</translation>
    </message>
    <message>
        <source>Remove step</source>
        <translation>Quitar paso</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Pasos</translation>
    </message>
    <message>
        <source>The reminders of this sequence; select one to edit it</source>
        <translation>Los recordatorios de esta secuencia; seleccione uno para editarlo</translation>
    </message>
    <message>
        <source>Add a reminder step to this sequence</source>
        <translation>Añadir un paso de recordatorio a esta secuencia</translation>
    </message>
    <message>
        <source>Remove the selected step from this sequence</source>
        <translation>Quitar el paso seleccionado de esta secuencia</translation>
    </message>
    <message>
        <source> d</source>
        <translation> d</translation>
    </message>
    <message>
        <source>Days before the visit</source>
        <translation>Días antes de la visita</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>Hours before the visit</source>
        <translation>Horas antes de la visita</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Minutes before the visit</source>
        <translation>Minutos antes de la visita</translation>
    </message>
    <message>
        <source>How long before the visit this reminder is sent</source>
        <translation>Cuánto antes de la visita se envía este recordatorio</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Asks to confirm</source>
        <translation>Pide confirmar</translation>
    </message>
    <message>
        <source>(own text)</source>
        <translation>(texto propio)</translation>
    </message>
    <message>
        <source>Send this step by text message</source>
        <translation>Enviar este paso por mensaje de texto</translation>
    </message>
    <message>
        <source>Send this step by email</source>
        <translation>Enviar este paso por correo</translation>
    </message>
    <message>
        <source>The message asks the family to confirm or decline the visit</source>
        <translation>El mensaje pide a la familia confirmar o rechazar la visita</translation>
    </message>
    <message>
        <source>A saved message template for this step, or its own text below</source>
        <translation>Una plantilla de mensaje guardada para este paso, o su propio texto abajo</translation>
    </message>
    <message>
        <source>Before the visit</source>
        <translation>Antes de la visita</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Plantilla</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>Paso</translation>
    </message>
    <message>
        <source>SMS text; variables like {patient_first_name}, {date}, {link}</source>
        <translation>Texto del SMS; variables como {patient_first_name}, {date}, {link}</translation>
    </message>
    <message>
        <source>The text message sent at this step; variables are filled for each family</source>
        <translation>El mensaje de texto enviado en este paso; las variables se completan para cada familia</translation>
    </message>
    <message>
        <source>The subject of the email sent at this step</source>
        <translation>El asunto del correo enviado en este paso</translation>
    </message>
    <message>
        <source>The email sent at this step; variables are filled for each family</source>
        <translation>El correo enviado en este paso; las variables se completan para cada familia</translation>
    </message>
    <message>
        <source>SMS text</source>
        <translation>Texto del SMS</translation>
    </message>
    <message>
        <source>Email subject</source>
        <translation>Asunto del correo</translation>
    </message>
    <message>
        <source>Email text</source>
        <translation>Texto del correo</translation>
    </message>
    <message>
        <source>Save this sequence; it applies to reminders not yet sent</source>
        <translation>Guardar esta secuencia; se aplica a los recordatorios aún no enviados</translation>
    </message>
    <message>
        <source>Preview (sample family)</source>
        <translation>Vista previa (familia de ejemplo)</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n día</numerusform>
            <numerusform>%n días</numerusform>
        </translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} h</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>email</source>
        <translation>correo</translation>
    </message>
    <message>
        <source> · asks to confirm</source>
        <translation> · pide confirmar</translation>
    </message>
    <message>
        <source>{value} before · {chans}{ask}</source>
        <translation>{value} antes · {chans}{ask}</translation>
    </message>
    <message>
        <source>no channel</source>
        <translation>sin canal</translation>
    </message>
    <message>
        <source>Select a step to preview it.</source>
        <translation>Seleccione un paso para ver su vista previa.</translation>
    </message>
    <message>
        <source>Not saved: {message}</source>
        <translation>No guardado: {message}</translation>
    </message>
    <message>
        <source>Saved “{value}”; upcoming visits re-planned</source>
        <translation>Se guardó “{value}”; las próximas visitas se replanificaron</translation>
    </message>
</context>
<context>
    <name>SeriesDialog</name>
    <message>
        <source>Series</source>
        <translation>Serie</translation>
    </message>
    <message>
        <source>This occurrence</source>
        <translation>Esta cita</translation>
    </message>
    <message>
        <source>This and following</source>
        <translation>Esta y las siguientes</translation>
    </message>
    <message>
        <source>All future occurrences</source>
        <translation>Todas las citas futuras</translation>
    </message>
    <message>
        <source>Apply change</source>
        <translation>Aplicar cambio</translation>
    </message>
    <message>
        <source>Preview change</source>
        <translation>Vista previa del cambio</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Change or cancel</source>
        <translation>Cambiar o cancelar</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Chair</source>
        <translation>Sillón</translation>
    </message>
    <message>
        <source>treatment plan changed</source>
        <translation>cambió el plan de tratamiento</translation>
    </message>
    <message>
        <source>moving away</source>
        <translation>se muda</translation>
    </message>
    <message>
        <source>sick</source>
        <translation>enfermo</translation>
    </message>
    <message>
        <source>school event</source>
        <translation>evento escolar</translation>
    </message>
    <message>
        <source>rescheduled by clinic</source>
        <translation>reprogramada por la clínica</translation>
    </message>
    <message>
        <source>other</source>
        <translation>otro</translation>
    </message>
    <message>
        <source>Cancel occurrences…</source>
        <translation>Cancelar citas…</translation>
    </message>
    <message>
        <source>Series #{id} · {patient_name} · {type_name} · {minutes} min · {provider_name} · {chair_name} · {status}</source>
        <translation>Serie #{id} · {patient_name} · {type_name} · {minutes} min · {provider_name} · {chair_name} · {status}</translation>
    </message>
    <message>
        <source>&lt;br&gt;RRULE:{rrule}</source>
        <translation>&lt;br&gt;RRULE:{rrule}</translation>
    </message>
    <message>
        <source>Choose a booked occurrence in the list first.</source>
        <translation>Primero elija una cita reservada de la lista.</translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s) change</source>
        <translation>
            <numerusform>%n cita cambia</numerusform>
            <numerusform>%n citas cambian</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s) booked</source>
        <translation>
            <numerusform>%n cita reservada</numerusform>
            <numerusform>%n citas reservadas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n occurrence(s) cancelled</source>
        <translation>
            <numerusform>%n cita cancelada</numerusform>
            <numerusform>%n citas canceladas</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing changes.</source>
        <translation>No cambia nada.</translation>
    </message>
    <message>
        <source>{summary}. Apply the change?</source>
        <translation>{summary}. ¿Aplicar el cambio?</translation>
    </message>
    <message>
        <source>Series not changed</source>
        <translation>Serie sin cambios</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel {value}?</source>
        <translation>¿Cancelar {value}?</translation>
    </message>
    <message>
        <source>Not cancelled</source>
        <translation>No cancelado</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled %n appointment(s).</source>
        <translation>
            <numerusform>Se canceló %n cita.</numerusform>
            <numerusform>Se cancelaron %n citas.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Clinic and messaging</source>
        <translation>Clínica y mensajería</translation>
    </message>
    <message>
        <source>Message templates</source>
        <translation>Plantillas de mensajes</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>Claves de API</translation>
    </message>
    <message>
        <source>Online booking</source>
        <translation>Reservas en línea</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>Guardar configuración</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Revertir</translation>
    </message>
    <message>
        <source>Save the changes made on this page</source>
        <translation>Guardar los cambios hechos en esta página</translation>
    </message>
    <message>
        <source>Drop the changes not yet saved</source>
        <translation>Descartar los cambios aún no guardados</translation>
    </message>
    <message>
        <source>The clinic&apos;s name, as families read it</source>
        <translation>El nombre de la clínica, tal como lo leen las familias</translation>
    </message>
    <message>
        <source>The clinic&apos;s phone number, as families read it</source>
        <translation>El teléfono de la clínica, tal como lo leen las familias</translation>
    </message>
    <message>
        <source>Show times with a 12-hour or a 24-hour clock</source>
        <translation>Mostrar las horas con reloj de 12 o de 24 horas</translation>
    </message>
    <message>
        <source>Clinic</source>
        <translation>Clínica</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Shown on every patient-link page and in HELP replies.</source>
        <translation>Se muestra en cada página de enlace para pacientes y en las respuestas a AYUDA.</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>Formato de hora</translation>
    </message>
    <message>
        <source>Every time shown is the location&apos;s local time, in this one format.</source>
        <translation>Cada hora que se muestra es la hora local de la ubicación, en este único formato.</translation>
    </message>
    <message>
        <source>The web address families&apos; links point to</source>
        <translation>La dirección web a la que apuntan los enlaces de las familias</translation>
    </message>
    <message>
        <source>Patient links</source>
        <translation>Enlaces para pacientes</translation>
    </message>
    <message>
        <source>Public address</source>
        <translation>Dirección pública</translation>
    </message>
    <message>
        <source>Quiet hours start</source>
        <translation>Inicio de las horas de silencio</translation>
    </message>
    <message>
        <source>Quiet hours end</source>
        <translation>Fin de las horas de silencio</translation>
    </message>
    <message>
        <source> messages</source>
        <translation> mensajes</translation>
    </message>
    <message>
        <source>Allow procedure names in messages (e.g. “bonding”)</source>
        <translation>Permitir nombres de procedimientos en los mensajes (p. ej. “cementado”)</translation>
    </message>
    <message>
        <source>When the quiet hours begin, in each patient&apos;s own time</source>
        <translation>Cuándo empiezan las horas de silencio, en la hora de cada paciente</translation>
    </message>
    <message>
        <source>When the quiet hours end, in each patient&apos;s own time</source>
        <translation>Cuándo terminan las horas de silencio, en la hora de cada paciente</translation>
    </message>
    <message>
        <source>At most this many messages to one phone number a day</source>
        <translation>Como máximo esta cantidad de mensajes a un mismo número al día</translation>
    </message>
    <message>
        <source>At most this many messages to one phone number a week</source>
        <translation>Como máximo esta cantidad de mensajes a un mismo número por semana</translation>
    </message>
    <message>
        <source>Messages may name the procedure; off keeps them to “your visit”</source>
        <translation>Los mensajes pueden nombrar el procedimiento; desactivado dicen solo “su visita”</translation>
    </message>
    <message>
        <source>Messaging policy</source>
        <translation>Política de mensajería</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Horas de silencio</translation>
    </message>
    <message>
        <source>No messages in this window, judged in each patient&apos;s own time zone; they wait for the next allowed time.</source>
        <translation>Sin envíos en este intervalo (hora de cada paciente); luego salen.</translation>
    </message>
    <message>
        <source>Per phone number, per day</source>
        <translation>Por número de teléfono, por día</translation>
    </message>
    <message>
        <source>Per phone number, per week</source>
        <translation>Por número de teléfono, por semana</translation>
    </message>
    <message>
        <source>Texts need recorded SMS consent; STOP and unsubscribe links are always honoured.</source>
        <translation>Los SMS requieren consentimiento registrado; STOP y las bajas se respetan.</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> minutos</translation>
    </message>
    <message>
        <source> offers</source>
        <translation> ofertas</translation>
    </message>
    <message>
        <source>How long an offered opening is held for a family</source>
        <translation>Cuánto tiempo se reserva para una familia un espacio ofrecido</translation>
    </message>
    <message>
        <source>At most this many openings offered to one entry</source>
        <translation>Como máximo esta cantidad de espacios ofrecidos a una entrada</translation>
    </message>
    <message>
        <source>Waitlist hold</source>
        <translation>Reserva para la lista de espera</translation>
    </message>
    <message>
        <source>Offers per waitlist entry</source>
        <translation>Ofertas por entrada de la lista de espera</translation>
    </message>
    <message>
        <source>An offered opening is held for the family this long ({low} minutes to {value} hours) from the moment the text goes out; each entry is offered at most this many openings. Both are told in the offer.</source>
        <translation>Un espacio ofrecido se reserva para la familia durante este tiempo ({low} minutos a {value} horas) desde que sale el mensaje; a cada entrada se le ofrecen como máximo estos espacios. Ambos datos se indican en la oferta.</translation>
    </message>
    <message>
        <source>Looking for the OS keyring…</source>
        <translation>Buscando el llavero del sistema…</translation>
    </message>
    <message>
        <source>12-hour (3:15 PM)</source>
        <translation>12 horas (3:15 p. m.)</translation>
    </message>
    <message>
        <source>24-hour (15:15)</source>
        <translation>24 horas (15:15)</translation>
    </message>
    <message>
        <source>Country default: {0}</source>
        <translation>Predeterminado del país: {0}</translation>
    </message>
    <message>
        <source>Links in messages point here; run ‘orca-desk gateway’ behind it. </source>
        <translation>Los enlaces de los mensajes apuntan aquí; ejecute ‘orca-desk gateway’ detrás. </translation>
    </message>
    <message>
        <source>Overridden by {0}={1}.</source>
        <translation>Reemplazado por {0}={1}.</translation>
    </message>
    <message>
        <source>{0} overrides it when set.</source>
        <translation>{0} lo reemplaza si está definida.</translation>
    </message>
    <message>
        <source>Links are signed with a secret kept {link_secret_location} — never in the database. Desks, the worker and the gateway that share a database must share it: set {LINK_SECRET_ENV} on each.</source>
        <translation>Los enlaces se firman con un secreto guardado {link_secret_location}, nunca en la base de datos. Escritorios, proceso de fondo y pasarela que comparten la base deben compartirlo: defina {LINK_SECRET_ENV} en cada uno.</translation>
    </message>
    <message>
        <source>from the environment variable {name}</source>
        <translation>de la variable de entorno {name}</translation>
    </message>
    <message>
        <source>Read from {name} ({value}).</source>
        <translation>Leído de {name} ({value}).</translation>
    </message>
    <message>
        <source>set</source>
        <translation>definida</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>no definida</translation>
    </message>
    <message>
        <source>set by {name}</source>
        <translation>definido por {name}</translation>
    </message>
    <message>
        <source>{name} is set in the environment and wins over the keyring.</source>
        <translation>{name} está definida en el entorno y tiene prioridad sobre el llavero.</translation>
    </message>
    <message>
        <source>stored in the OS keyring — type to replace</source>
        <translation>guardado en el llavero del sistema; escriba para reemplazarlo</translation>
    </message>
    <message>
        <source>saved to the OS keyring, never the database</source>
        <translation>se guarda en el llavero del sistema, nunca en la base de datos</translation>
    </message>
    <message>
        <source>Secrets (auth token, API key) are saved in the OS keyring ({keyring_name}), never in the database; an environment variable wins when set.</source>
        <translation>Los secretos (token de autenticación, clave de API) se guardan en el llavero del sistema ({keyring_name}), nunca en la base de datos; una variable de entorno tiene prioridad si está definida.</translation>
    </message>
    <message>
        <source>There is no OS keyring on this computer (keyring only has its ‘fail’ backend, as on headless Linux and CI), so secrets cannot be saved here: the environment variables {names} are used, and the secret fields are disabled.</source>
        <translation>Esta computadora no tiene llavero del sistema (keyring solo tiene su backend ‘fail’, como en Linux sin interfaz y en CI), así que aquí no se pueden guardar secretos: se usan las variables de entorno {names} y los campos de secretos están desactivados.</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>Configuración no guardada</translation>
    </message>
    <message>
        <source>Settings saved, but: {value}</source>
        <translation>Configuración guardada, pero: {value}</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Configuración guardada</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>Orthodontist</source>
        <translation>Ortodoncista</translation>
    </message>
    <message>
        <source>Hygienist</source>
        <translation>Higienista</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Asistente</translation>
    </message>
    <message>
        <source>Receptionist</source>
        <translation>Recepcionista</translation>
    </message>
    <message>
        <source>Treatment coordinator</source>
        <translation>Coordinador(a) de tratamiento</translation>
    </message>
    <message>
        <source>Clinician</source>
        <translation>Clínico(a)</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Gerente</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrador</translation>
    </message>
    <message>
        <source>Set up your practice — Orca Desk</source>
        <translation>Configure su clínica — Orca Desk</translation>
    </message>
    <message>
        <source>Open the appointment book</source>
        <translation>Abrir la agenda de citas</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message>
        <source>%1 is set up with %2 location(s), %3 provider(s) and %4 appointment type(s). It was given %5 standard reminder and missed-visit sequences and %6 message templates; change them in Reminders and Templates.</source>
        <translation>%1 quedó configurada con %2 ubicación(es), %3 profesional(es) y %4 tipo(s) de cita. Recibió %5 secuencias estándar de recordatorio y de visita perdida y %6 plantillas de mensajes; cámbielas en Recordatorios y Plantillas.</translation>
    </message>
</context>
<context>
    <name>SlotPalette</name>
    <message>
        <source>Drag onto the grid</source>
        <translation>Arrastre a la cuadrícula</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
</context>
<context>
    <name>SlotProperties</name>
    <message>
        <source>Click a slot on the grid to change it, or drag a chip to add one.</source>
        <translation>Haga clic en un espacio de la cuadrícula para cambiarlo, o arrastre una ficha para agregar uno.</translation>
    </message>
    <message>
        <source>Blocked</source>
        <translation>Bloqueado</translation>
    </message>
    <message>
        <source>e.g. Lunch</source>
        <translation>p. ej. Almuerzo</translation>
    </message>
    <message>
        <source>Apply change</source>
        <translation>Aplicar cambio</translation>
    </message>
    <message>
        <source>Delete slot</source>
        <translation>Eliminar espacio</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>Selected slot</source>
        <translation>Espacio seleccionado</translation>
    </message>
    <message>
        <source>No slot selected</source>
        <translation>Ningún espacio seleccionado</translation>
    </message>
</context>
<context>
    <name>SmsBox</name>
    <message>
        <source>SMS provider</source>
        <translation>Proveedor de SMS</translation>
    </message>
    <message>
        <source>Local (messages stay in the Outbox, “sent locally”)</source>
        <translation>Local (quedan en la Bandeja de salida)</translation>
    </message>
    <message>
        <source>Twilio</source>
        <translation>Twilio</translation>
    </message>
    <message>
        <source>AC…</source>
        <translation>AC…</translation>
    </message>
    <message>
        <source>MG… (instead of a from number)</source>
        <translation>MG… (en lugar de un número de envío)</translation>
    </message>
    <message>
        <source>default: the account&apos;s numbers, listed at start</source>
        <translation>predeterminado: los números de la cuenta, listados al inicio</translation>
    </message>
    <message>
        <source>default: the real Twilio API</source>
        <translation>predeterminado: la API real de Twilio</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <source>Account SID</source>
        <translation>SID de la cuenta</translation>
    </message>
    <message>
        <source>Auth token</source>
        <translation>Token de autenticación</translation>
    </message>
    <message>
        <source>From number</source>
        <translation>Número de envío</translation>
    </message>
    <message>
        <source>Messaging service SID</source>
        <translation>SID del servicio de mensajería</translation>
    </message>
    <message>
        <source>Reply numbers</source>
        <translation>Números de respuesta</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>URL base</translation>
    </message>
    <message>
        <source>The service that sends text messages; Local keeps them in the Outbox</source>
        <translation>El servicio que envía los mensajes de texto; Local los deja en la Bandeja de salida</translation>
    </message>
    <message>
        <source>The Twilio account&apos;s SID, starting AC</source>
        <translation>El SID de la cuenta de Twilio, que empieza por AC</translation>
    </message>
    <message>
        <source>The Twilio account&apos;s secret token, kept in the OS keyring</source>
        <translation>El token secreto de la cuenta de Twilio, guardado en el llavero del sistema</translation>
    </message>
    <message>
        <source>The phone number texts are sent from</source>
        <translation>El número desde el que se envían los mensajes de texto</translation>
    </message>
    <message>
        <source>A Twilio messaging service to send from instead of one number</source>
        <translation>Un servicio de mensajería de Twilio desde el que enviar en lugar de un número</translation>
    </message>
    <message>
        <source>The numbers families&apos; replies arrive at, separated by commas</source>
        <translation>Los números a los que llegan las respuestas de las familias, separados por comas</translation>
    </message>
    <message>
        <source>Another address for the Twilio API, for testing; empty uses Twilio&apos;s</source>
        <translation>Otra dirección para la API de Twilio, para pruebas; vacía usa la de Twilio</translation>
    </message>
</context>
<context>
    <name>SmsCounter</name>
    <message>
        <source>0 characters · GSM-7 · 0 segments</source>
        <translation>0 caracteres · GSM-7 · 0 segmentos</translation>
    </message>
    <message>
        <source>Sample: {preview}</source>
        <translation>Ejemplo: {preview}</translation>
    </message>
    <message>
        <source>Sample: cannot be shown until the braces are fixed.</source>
        <translation>Ejemplo: no se puede mostrar hasta que se corrijan las llaves.</translation>
    </message>
</context>
<context>
    <name>StaffPage</name>
    <message>
        <source>Administrator and staff</source>
        <translation>Administrador y personal</translation>
    </message>
    <message>
        <source>First the administrator who manages Orca Desk (that is probably you), then everyone else who signs in at the desk.</source>
        <translation>Primero el administrador que gestiona Orca Desk (probablemente usted), luego todas las demás personas que inician sesión en la recepción.</translation>
    </message>
    <message>
        <source>The administrator is saved and has chosen a password.</source>
        <translation>El administrador está guardado y eligió una contraseña.</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Nombre de usuario</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nombre completo</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Type it again</source>
        <translation>Escríbala otra vez</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Add staff user</source>
        <translation>Agregar usuario</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Staff users</source>
        <translation>Usuarios del personal</translation>
    </message>
    <message>
        <source>Each new user gets a one-time password, shown on the last page; they choose their own when they first sign in.</source>
        <translation>Cada usuario nuevo recibe una contraseña de un solo uso, que se muestra en la última página; elige la suya al iniciar sesión por primera vez.</translation>
    </message>
    <message>
        <source>This user is already saved: deactivate them in Administration once the setup is done.</source>
        <translation>Este usuario ya está guardado: desactívelo en Administración cuando termine la configuración.</translation>
    </message>
    <message>
        <source>this is the administrator&apos;s username: choose another</source>
        <translation>este es el nombre de usuario del administrador: elija otro</translation>
    </message>
    <message>
        <source>username</source>
        <translation>nombre de usuario</translation>
    </message>
    <message>
        <source>name</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>role</source>
        <translation>rol</translation>
    </message>
    <message>
        <source>Staff user</source>
        <translation>Usuario del personal</translation>
    </message>
</context>
<context>
    <name>StaffTab</name>
    <message>
        <source>Username</source>
        <translation>Nombre de usuario</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No staff users yet: add one with New user.</source>
        <translation>Aún no hay usuarios del personal: agregue uno con Nuevo usuario.</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>Nuevo usuario</translation>
    </message>
    <message>
        <source>Staff user</source>
        <translation>Usuario del personal</translation>
    </message>
    <message>
        <source>Show deactivated</source>
        <translation>Mostrar desactivados</translation>
    </message>
    <message>
        <source>What the user types to sign in</source>
        <translation>Lo que el usuario escribe para iniciar sesión</translation>
    </message>
    <message>
        <source>The user&apos;s full name</source>
        <translation>El nombre completo del usuario</translation>
    </message>
    <message>
        <source>What the user may see and change</source>
        <translation>Lo que el usuario puede ver y cambiar</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Restablecer contraseña</translation>
    </message>
    <message>
        <source>Give the selected user a new one-time password</source>
        <translation>Dar al usuario seleccionado una nueva contraseña de un solo uso</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>One-time password</source>
        <translation>Contraseña de un solo uso</translation>
    </message>
    <message>
        <source>Shown only once; give it to the user</source>
        <translation>Se muestra una sola vez; entréguela al usuario</translation>
    </message>
    <message>
        <source>Copy the one-time password to the clipboard</source>
        <translation>Copiar la contraseña de un solo uso al portapapeles</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <source>must change password</source>
        <translation>debe cambiar la contraseña</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>Reactivar</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Desactivar</translation>
    </message>
    <message>
        <source>One-time password for {name}, shown only now: give it to them. They choose their own at their next sign-in.</source>
        <translation>Contraseña de un solo uso para {name}, se muestra solo ahora: entréguesela. Elegirá la suya al iniciar sesión la próxima vez.</translation>
    </message>
    <message>
        <source>Staff user {name} saved</source>
        <translation>Usuario {name} guardado</translation>
    </message>
    <message>
        <source>Password of {name} reset</source>
        <translation>Contraseña de {name} restablecida</translation>
    </message>
    <message>
        <source>{name} reactivated</source>
        <translation>{name} reactivado</translation>
    </message>
    <message>
        <source>{name} deactivated</source>
        <translation>{name} desactivado</translation>
    </message>
</context>
<context>
    <name>StepTimeline</name>
    <message>
        <source>visit</source>
        <translation>visita</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>email</source>
        <translation>correo</translation>
    </message>
</context>
<context>
    <name>StepsModel</name>
    <message>
        <source>Days after</source>
        <translation>Días después</translation>
    </message>
    <message>
        <source>+ hours</source>
        <translation>+ horas</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Message template</source>
        <translation>Plantilla de mensaje</translation>
    </message>
    <message>
        <source>Not after</source>
        <translation>No después de</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>Step {n}</source>
        <translation>Paso {n}</translation>
    </message>
    <message>
        <source>same day</source>
        <translation>el mismo día</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n día</numerusform>
            <numerusform>%n días</numerusform>
        </translation>
    </message>
    <message>
        <source>— (a task on the staff list)</source>
        <translation>— (una tarea en la lista del personal)</translation>
    </message>
    <message>
        <source>recovery (the cause&apos;s own)</source>
        <translation>recuperación (la propia de la causa)</translation>
    </message>
    <message>
        <source>Skip the step once this local time has passed on the day it falls due (e.g. {example}).</source>
        <translation>Omitir el paso si ya pasó esta hora local el día en que vence (p. ej. {example}).</translation>
    </message>
    <message>
        <source>{action}: the delay cannot be negative</source>
        <translation>{action}: la demora no puede ser negativa</translation>
    </message>
    <message>
        <source>{label}: a call to rebook on the staff task list</source>
        <translation>{label}: una llamada para volver a reservar en la lista de tareas del personal</translation>
    </message>
    <message>
        <source>{label}: the no-show or late-cancellation message</source>
        <translation>{label}: el mensaje de ausencia o de cancelación tardía</translation>
    </message>
    <message>
        <source>{label}: template {key}</source>
        <translation>{label}: plantilla {key}</translation>
    </message>
</context>
<context>
    <name>TemplateBuilder</name>
    <message>
        <source>Any day</source>
        <translation>Cualquier día</translation>
    </message>
    <message>
        <source>Chair {n}</source>
        <translation>Sillón {n}</translation>
    </message>
</context>
<context>
    <name>TemplateListModel</name>
    <message>
        <source>day</source>
        <translation>diaria</translation>
    </message>
    <message>
        <source>week</source>
        <translation>semanal</translation>
    </message>
    <message>
        <source> · weeks {weeks}</source>
        <translation> · semanas {weeks}</translation>
    </message>
    <message>
        <source>{kind} template · v{version} · {slots} slots</source>
        <translation>plantilla {kind} · v{version} · {slots} espacios</translation>
    </message>
    <message>
        <source>The clinic&apos;s day templates; select one to design it</source>
        <translation>Las plantillas de día de la clínica; seleccione una para diseñarla</translation>
    </message>
    <message>
        <source>Start a new, empty template</source>
        <translation>Empezar una plantilla nueva y vacía</translation>
    </message>
    <message>
        <source>Start a new template from a copy of the selected one</source>
        <translation>Empezar una plantilla nueva a partir de una copia de la seleccionada</translation>
    </message>
</context>
<context>
    <name>TemplatesEditor</name>
    <message>
        <source>Email subject, e.g. {patient_first_name}&apos;s visit on {date}</source>
        <translation>Asunto del correo, p. ej. La visita de {patient_first_name} el {date}</translation>
    </message>
    <message>
        <source>Write the message; insert variables such as {first_name}.</source>
        <translation>Escriba el mensaje; inserte variables como {first_name}.</translation>
    </message>
    <message>
        <source>Insert a variable…</source>
        <translation>Insertar una variable…</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Guardar plantilla</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Revertir</translation>
    </message>
    <message>
        <source>Every message template by kind, channel and language; select one to edit it</source>
        <translation>Todas las plantillas de mensaje por tipo, canal e idioma; seleccione una para editarla</translation>
    </message>
    <message>
        <source>Message text</source>
        <translation>Texto del mensaje</translation>
    </message>
    <message>
        <source>Insert a variable</source>
        <translation>Insertar una variable</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vista previa</translation>
    </message>
    <message>
        <source>The template&apos;s name as staff see it in lists</source>
        <translation>El nombre de la plantilla tal como lo ve el personal en las listas</translation>
    </message>
    <message>
        <source>The subject line of the email</source>
        <translation>El asunto del correo</translation>
    </message>
    <message>
        <source>The message sent; variables in braces are filled in for each patient</source>
        <translation>El mensaje que se envía; las variables entre llaves se completan para cada paciente</translation>
    </message>
    <message>
        <source>Choose a variable to insert at the cursor in the message</source>
        <translation>Elija una variable para insertarla en el cursor del mensaje</translation>
    </message>
    <message>
        <source>The message as a patient would read it, with sample values</source>
        <translation>El mensaje como lo leería un paciente, con valores de ejemplo</translation>
    </message>
    <message>
        <source>Drop unsaved changes to this template</source>
        <translation>Descartar los cambios sin guardar de esta plantilla</translation>
    </message>
    <message>
        <source>Save this template; later messages use it</source>
        <translation>Guardar esta plantilla; los mensajes siguientes la usan</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Asunto</translation>
    </message>
    <message>
        <source>Preview with sample values</source>
        <translation>Vista previa con valores de ejemplo</translation>
    </message>
    <message>
        <source>{count} characters</source>
        <translation>{count} caracteres</translation>
    </message>
    <message>
        <source>Not in the GSM-7 alphabet: {chars}. The whole text is then sent as UCS-2 (70 characters per segment); replace it (e.g. a straight &apos; for ’) to save segments.</source>
        <translation>No están en el alfabeto GSM-7: {chars}. Entonces todo el texto se envía como UCS-2 (70 caracteres por segmento); reemplácelos (p. ej. un &apos; recto por ’) para ahorrar segmentos.</translation>
    </message>
    <message>
        <source>Subject: {subject}</source>
        <translation>Asunto: {subject}</translation>
    </message>
    <message>
        <source>Template not saved</source>
        <translation>Plantilla no guardada</translation>
    </message>
    <message>
        <source>Template “{name}” saved</source>
        <translation>Plantilla “{name}” guardada</translation>
    </message>
</context>
<context>
    <name>TemplatesScreen</name>
    <message>
        <source>Design</source>
        <translation>Diseño</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Análisis</translation>
    </message>
    <message>
        <source>No templates yet: New template builds a day of slots to apply.</source>
        <translation>Aún no hay plantillas: Nueva plantilla arma un día de espacios para aplicar.</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>Nueva…</translation>
    </message>
    <message>
        <source>Copy…</source>
        <translation>Copiar…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Templates&lt;/b&gt;</source>
        <translation>&lt;b&gt;Plantillas&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Deshacer</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rehacer</translation>
    </message>
    <message>
        <source>Undo the last change to this template</source>
        <translation>Deshacer el último cambio de esta plantilla</translation>
    </message>
    <message>
        <source>Redo the change just undone</source>
        <translation>Rehacer el cambio recién deshecho</translation>
    </message>
    <message>
        <source>Save version</source>
        <translation>Guardar versión</translation>
    </message>
    <message>
        <source>Apply…</source>
        <translation>Aplicar…</translation>
    </message>
    <message>
        <source>Save the template as a new version</source>
        <translation>Guardar la plantilla como una versión nueva</translation>
    </message>
    <message>
        <source>Put this template&apos;s slots on the calendar for chosen days</source>
        <translation>Poner los bloques de esta plantilla en el calendario de los días elegidos</translation>
    </message>
    <message>
        <source>+ Week</source>
        <translation>+ Semana</translation>
    </message>
    <message>
        <source>Add a week to the rotation (A/B weeks)</source>
        <translation>Agregar una semana a la rotación (semanas A/B)</translation>
    </message>
    <message numerus="yes">
        <source>%n chair(s)</source>
        <translation>
            <numerusform>%n sillón</numerusform>
            <numerusform>%n sillones</numerusform>
        </translation>
    </message>
    <message>
        <source>Snap {step} min</source>
        <translation>Ajustar a {step} min</translation>
    </message>
    <message>
        <source>Rotation week</source>
        <translation>Semana de la rotación</translation>
    </message>
    <message>
        <source>The week of the rotation being designed</source>
        <translation>La semana de la rotación que se está diseñando</translation>
    </message>
    <message>
        <source>Chairs</source>
        <translation>Sillones</translation>
    </message>
    <message>
        <source>How many chairs the template lays out</source>
        <translation>Cuántos sillones organiza la plantilla</translation>
    </message>
    <message>
        <source>Snap</source>
        <translation>Ajuste</translation>
    </message>
    <message>
        <source>Slots dragged on the grid snap to this many minutes</source>
        <translation>Los bloques arrastrados en la cuadrícula se ajustan a esta cantidad de minutos</translation>
    </message>
    <message>
        <source>Not loaded</source>
        <translation>No cargado</translation>
    </message>
    <message>
        <source>No template yet: press New…</source>
        <translation>Sin plantillas</translation>
    </message>
    <message>
        <source>Not opened</source>
        <translation>No abierto</translation>
    </message>
    <message>
        <source> — unsaved changes</source>
        <translation> — cambios sin guardar</translation>
    </message>
    <message>
        <source>Add {0}</source>
        <translation>Agregar {0}</translation>
    </message>
    <message>
        <source>Not moved: it would overlap {it}.</source>
        <translation>No movido: se superpondría con {it}.</translation>
    </message>
    <message>
        <source>Resize {0}</source>
        <translation>Cambiar duración de {0}</translation>
    </message>
    <message>
        <source>Move {0}</source>
        <translation>Mover {0}</translation>
    </message>
    <message>
        <source>Not changed: it would overlap {it}.</source>
        <translation>Sin cambios: se superpondría con {it}.</translation>
    </message>
    <message>
        <source>Change {0}</source>
        <translation>Cambiar {0}</translation>
    </message>
    <message>
        <source>Delete {0}</source>
        <translation>Eliminar {0}</translation>
    </message>
    <message>
        <source>Version {0} restored as version {1}</source>
        <translation>Versión {0} restaurada como versión {1}</translation>
    </message>
    <message>
        <source>Every week</source>
        <translation>Todas las semanas</translation>
    </message>
    <message>
        <source>Week {0}</source>
        <translation>Semana {0}</translation>
    </message>
    <message>
        <source>Slots use {used} chairs; delete those slots first.</source>
        <translation>Los espacios usan {used} sillones; elimine primero esos espacios.</translation>
    </message>
    <message>
        <source>Not added: it overlaps {value}.</source>
        <translation>No agregado: se superpone con {value}.</translation>
    </message>
    <message>
        <source>The slot must end after it starts.</source>
        <translation>El espacio debe terminar después de empezar.</translation>
    </message>
    <message>
        <source>What changed (optional):</source>
        <translation>Qué cambió (opcional):</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>No guardado</translation>
    </message>
    <message>
        <source>Saved {name} as version {number}</source>
        <translation>Se guardó {name} como versión {number}</translation>
    </message>
    <message>
        <source>No changes to save</source>
        <translation>No hay cambios que guardar</translation>
    </message>
    <message>
        <source>Not restored</source>
        <translation>No restaurado</translation>
    </message>
    <message>
        <source>New template</source>
        <translation>Nueva plantilla</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Clase:</translation>
    </message>
    <message>
        <source>Copy template</source>
        <translation>Copiar plantilla</translation>
    </message>
    <message>
        <source>Name of the copy:</source>
        <translation>Nombre de la copia:</translation>
    </message>
    <message>
        <source>{name} (copy)</source>
        <translation>{name} (copia)</translation>
    </message>
    <message>
        <source>Not done</source>
        <translation>No hecho</translation>
    </message>
    <message>
        <source>Save the version first: an application always uses a saved version.</source>
        <translation>Primero guarde la versión: una aplicación siempre usa una versión guardada.</translation>
    </message>
</context>
<context>
    <name>TestMessageBox</name>
    <message>
        <source>Send a test message</source>
        <translation>Enviar un mensaje de prueba</translation>
    </message>
    <message>
        <source>Text (SMS)</source>
        <translation>Texto (SMS)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>{phone} or you@yourclinic.com</source>
        <translation>{phone} o usted@suclinica.com</translation>
    </message>
    <message>
        <source>Send test message</source>
        <translation>Enviar mensaje de prueba</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>Send the test by text message or by email</source>
        <translation>Enviar la prueba por mensaje de texto o por correo</translation>
    </message>
    <message>
        <source>The phone number or email address to send the test to</source>
        <translation>El teléfono o el correo al que enviar la prueba</translation>
    </message>
    <message>
        <source>Send a test message through the Outbox and follow it</source>
        <translation>Enviar un mensaje de prueba por la Bandeja de salida y seguirlo</translation>
    </message>
    <message>
        <source>It goes through the Outbox like any message, so quiet hours, STOP and the saved provider settings apply; the automation sends it.</source>
        <translation>Pasa por la Bandeja de salida como cualquier mensaje, así que se aplican las horas de silencio, STOP y la configuración guardada del proveedor; lo envía la automatización.</translation>
    </message>
    <message>
        <source>Test message not queued</source>
        <translation>Mensaje de prueba no puesto en cola</translation>
    </message>
</context>
<context>
    <name>TextFamilyDialog</name>
    <message>
        <source>Text the family</source>
        <translation>Enviar mensaje a la familia</translation>
    </message>
    <message>
        <source>&amp;Message to {0}</source>
        <translation>&amp;Mensaje para {0}</translation>
    </message>
    <message>
        <source>the family</source>
        <translation>la familia</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Enviar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>TimeGrid</name>
    <message>
        <source>Block {start}–{end}</source>
        <translation>Bloquear {start}–{end}</translation>
    </message>
</context>
<context>
    <name>TimeGridAccess</name>
    <message>
        <source>free</source>
        <translation>libre</translation>
    </message>
    <message>
        <source>blocked</source>
        <translation>bloqueado</translation>
    </message>
    <message>
        <source>free, outside working hours</source>
        <translation>libre, fuera del horario laboral</translation>
    </message>
    <message>
        <source>{start} to {end}</source>
        <translation>de {start} a {end}</translation>
    </message>
    <message>
        <source>reserved</source>
        <translation>apartado</translation>
    </message>
    <message>
        <source>booked</source>
        <translation>reservado</translation>
    </message>
    <message>
        <source>Free time. Enter books here.</source>
        <translation>Tiempo libre. Intro reserva aquí.</translation>
    </message>
    <message>
        <source>Enter opens the visit; Ctrl+arrows move it.</source>
        <translation>Intro abre la visita; Ctrl+flechas la mueven.</translation>
    </message>
    <message>
        <source>Appointment book</source>
        <translation>Agenda de citas</translation>
    </message>
    <message>
        <source>Arrow keys walk the visits and free times; Enter opens or books; Ctrl+arrows move a visit; Delete cancels it; letters jump to a patient.</source>
        <translation>Las flechas recorren las visitas y los tiempos libres; Intro abre o reserva; Ctrl+flechas mueven una visita; Supr la cancela; las letras saltan a un paciente.</translation>
    </message>
</context>
<context>
    <name>TypeChip</name>
    <message>
        <source>Drag onto the grid to add a {name} slot</source>
        <translation>Arrastre a la cuadrícula para agregar un espacio de {name}</translation>
    </message>
</context>
<context>
    <name>TypesPage</name>
    <message>
        <source>Appointment types</source>
        <translation>Tipos de cita</translation>
    </message>
    <message>
        <source>The kinds of visit you book, their colour in the book and their usual length. Typical orthodontic visits are filled in: change or add to them.</source>
        <translation>Los tipos de visita que reserva, su color en la agenda y su duración habitual. Ya están las visitas de ortodoncia típicas: cámbielas o agregue más.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minutos</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>Add type</source>
        <translation>Agregar tipo</translation>
    </message>
    <message>
        <source>Remove type</source>
        <translation>Quitar tipo</translation>
    </message>
    <message>
        <source>Colour…</source>
        <translation>Color…</translation>
    </message>
    <message>
        <source>Lengths are 5 to 480 minutes, in steps of 5. A booking can still be made longer or shorter.</source>
        <translation>Las duraciones van de 5 a 480 minutos, en pasos de 5. Una reserva puede hacerse igual más larga o más corta.</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>This type is already saved: archive it in Administration once the setup is done.</source>
        <translation>Este tipo ya está guardado: archívelo en Administración cuando termine la configuración.</translation>
    </message>
    <message>
        <source>Type colour</source>
        <translation>Color del tipo</translation>
    </message>
    <message>
        <source>add at least one appointment type</source>
        <translation>agregue al menos un tipo de cita</translation>
    </message>
    <message>
        <source>name</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>colour</source>
        <translation>color</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>minutos</translation>
    </message>
    <message>
        <source>category</source>
        <translation>categoría</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
</context>
<context>
    <name>TypesTab</name>
    <message>
        <source>Appointment type</source>
        <translation>Tipo de cita</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Categoría</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Color</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>No appointment types yet: add one to start booking.</source>
        <translation>Aún no hay tipos de cita: agregue uno para empezar a reservar.</translation>
    </message>
    <message>
        <source>New type</source>
        <translation>Nuevo tipo</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>The type&apos;s name when booking</source>
        <translation>El nombre del tipo al reservar</translation>
    </message>
    <message>
        <source>Default length</source>
        <translation>Duración predeterminada</translation>
    </message>
    <message>
        <source>How long a visit of this type is booked for</source>
        <translation>Cuánto dura una cita de este tipo al reservarla</translation>
    </message>
    <message>
        <source>The group of the type, such as treatment, consult or emergency; type a new one</source>
        <translation>El grupo del tipo, como tratamiento, consulta o urgencia; escriba uno nuevo</translation>
    </message>
    <message>
        <source>Archived types are not offered for new bookings; booked appointments keep theirs.</source>
        <translation>Los tipos archivados no se ofrecen para nuevas reservas; las citas reservadas conservan el suyo.</translation>
    </message>
    <message>
        <source>Appointment type {name} saved</source>
        <translation>Tipo de cita {name} guardado</translation>
    </message>
    <message>
        <source>{name} restored</source>
        <translation>{name} restaurado</translation>
    </message>
    <message>
        <source>{name} archived</source>
        <translation>{name} archivado</translation>
    </message>
</context>
<context>
    <name>VariantBox</name>
    <message>
        <source>Custom text</source>
        <translation>Texto propio</translation>
    </message>
    <message>
        <source>Variant {name}</source>
        <translation>Variante {name}</translation>
    </message>
    <message>
        <source>Split weight</source>
        <translation>Peso de la división</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Plantilla</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Email subject</source>
        <translation>Asunto del correo</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
</context>
<context>
    <name>VersionHistory</name>
    <message>
        <source>Version history</source>
        <translation>Historial de versiones</translation>
    </message>
    <message>
        <source>Select a template to see its saved versions.</source>
        <translation>Seleccione una plantilla para ver sus versiones guardadas.</translation>
    </message>
    <message>
        <source>Restore as newest</source>
        <translation>Restaurar como última</translation>
    </message>
    <message>
        <source>The template&apos;s saved versions, newest first</source>
        <translation>Las versiones guardadas de la plantilla, las más recientes primero</translation>
    </message>
    <message>
        <source>Make the selected version the newest again</source>
        <translation>Volver a hacer de la versión seleccionada la más reciente</translation>
    </message>
    <message>
        <source>v{number} · {created_by} · {created_text}
{note} · {slot_count} slots</source>
        <translation>v{number} · {created_by} · {created_text}
{note} · {slot_count} espacios</translation>
    </message>
</context>
<context>
    <name>WaitlistScreen</name>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Dónde</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Profesional</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source> · broadcast</source>
        <translation> · difusión</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviados</translation>
    </message>
    <message>
        <source>Visit</source>
        <translation>Visita</translation>
    </message>
    <message>
        <source>Via</source>
        <translation>Vía</translation>
    </message>
    <message>
        <source>Offers</source>
        <translation>Ofertas</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En espera</translation>
    </message>
    <message>
        <source>Prefers</source>
        <translation>Prefiere</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Openings</source>
        <translation>Espacios ofrecidos</translation>
    </message>
    <message>
        <source>Filled</source>
        <translation>Ocupados</translation>
    </message>
    <message>
        <source>Median time to fill</source>
        <translation>Tiempo medio hasta ocupar</translation>
    </message>
    <message>
        <source>Offers sent</source>
        <translation>Ofertas enviadas</translation>
    </message>
    <message>
        <source>Booked</source>
        <translation>Reservados</translation>
    </message>
    <message>
        <source>Openings &amp;&amp; offers</source>
        <translation>Espacios y ofertas</translation>
    </message>
    <message>
        <source>Analytics</source>
        <translation>Análisis</translation>
    </message>
    <message>
        <source>No openings. A cancelled or missed visit, or free time offered from the calendar, becomes an opening here and is offered to the waitlist.</source>
        <translation>No hay espacios libres. Una visita cancelada o perdida, o un horario libre ofrecido desde el calendario, se convierte aquí en un espacio y se ofrece a la lista de espera.</translation>
    </message>
    <message>
        <source>No offers yet: select an opening, then Notify best now offers it to the top match.</source>
        <translation>Aún no hay ofertas: seleccione un espacio; luego Avisar al mejor ahora lo ofrece a la mejor coincidencia.</translation>
    </message>
    <message>
        <source>Select an opening to rank the waitlist for it; no fit means: add entries on the Waitlist tab.</source>
        <translation>Seleccione un espacio para ordenar la lista de espera para él; si nadie encaja, agregue entradas en la pestaña Lista de espera.</translation>
    </message>
    <message>
        <source>Notify best now</source>
        <translation>Avisar al mejor ahora</translation>
    </message>
    <message>
        <source>Notify all now (broadcast)</source>
        <translation>Avisar a todos (difusión)</translation>
    </message>
    <message>
        <source>Notify this entry now</source>
        <translation>Avisar a esta entrada</translation>
    </message>
    <message>
        <source>Record response…</source>
        <translation>Registrar respuesta…</translation>
    </message>
    <message>
        <source>Withdraw opening</source>
        <translation>Retirar el espacio</translation>
    </message>
    <message>
        <source>Open openings</source>
        <translation>Espacios abiertos</translation>
    </message>
    <message>
        <source>Offers of the selected opening</source>
        <translation>Ofertas del espacio seleccionado</translation>
    </message>
    <message>
        <source>Ranked matches</source>
        <translation>Coincidencias ordenadas</translation>
    </message>
    <message>
        <source>Free times waiting to be offered; select one to rank the waitlist</source>
        <translation>Horas libres a la espera de ofrecerse; seleccione una para ordenar la lista de espera</translation>
    </message>
    <message>
        <source>Who was offered the selected opening and how each answered</source>
        <translation>A quién se ofreció el espacio seleccionado y qué respondió cada uno</translation>
    </message>
    <message>
        <source>Waitlist entries that fit the selected opening, best first, with why</source>
        <translation>Entradas de la lista de espera que encajan en el espacio seleccionado, la mejor primero, con el motivo</translation>
    </message>
    <message>
        <source>Offer the selected opening to the best match now</source>
        <translation>Ofrecer ahora el espacio seleccionado a la mejor coincidencia</translation>
    </message>
    <message>
        <source>Offer the selected opening to several matches at once; the first to accept gets it</source>
        <translation>Ofrecer el espacio seleccionado a varias coincidencias a la vez; lo obtiene la primera que acepte</translation>
    </message>
    <message>
        <source>Offer the selected opening to the selected waitlist entry</source>
        <translation>Ofrecer el espacio seleccionado a la entrada seleccionada de la lista de espera</translation>
    </message>
    <message>
        <source>Record a family&apos;s answer given by phone or at the desk</source>
        <translation>Registrar la respuesta de una familia dada por teléfono o en recepción</translation>
    </message>
    <message>
        <source>Stop offering the selected opening</source>
        <translation>Dejar de ofrecer el espacio seleccionado</translation>
    </message>
    <message>
        <source>Add entry…</source>
        <translation>Agregar entrada…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Patients waiting for an earlier visit; double-click one to edit it</source>
        <translation>Pacientes que esperan una cita antes; haga doble clic en uno para editarlo</translation>
    </message>
    <message>
        <source>Add a patient who wants an earlier visit</source>
        <translation>Agregar un paciente que quiere una cita antes</translation>
    </message>
    <message>
        <source>Change the selected waitlist entry</source>
        <translation>Cambiar la entrada seleccionada de la lista de espera</translation>
    </message>
    <message>
        <source>Take the selected patient off the waitlist</source>
        <translation>Quitar de la lista de espera al paciente seleccionado</translation>
    </message>
    <message>
        <source>Openings offered, offers sent and visits booked from the waitlist, per provider and location</source>
        <translation>Espacios libres ofrecidos, ofertas enviadas y citas reservadas desde la lista de espera, por profesional y ubicación</translation>
    </message>
    <message>
        <source>Waitlist entry</source>
        <translation>Entrada de la lista de espera</translation>
    </message>
    <message>
        <source>Remove entry</source>
        <translation>Quitar entrada</translation>
    </message>
    <message>
        <source>Waitlist</source>
        <translation>Lista de espera</translation>
    </message>
    <message>
        <source>Nobody is waiting. Add a patient who wants an earlier visit with Add entry…</source>
        <translation>No hay nadie esperando. Añada un paciente que quiera una visita antes con Añadir entrada…</translation>
    </message>
    <message>
        <source>Accepted — book it</source>
        <translation>Aceptó: reservar</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazó</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>No contestó</translation>
    </message>
    <message>
        <source>Offers and bookings by channel (last 90 days)</source>
        <translation>Ofertas y reservas por canal (últimos 90 días)</translation>
    </message>
    <message>
        <source>No openings in the last 90 days: cancellations offered to the waitlist are counted here.</source>
        <translation>Sin espacios en los últimos 90 días: aquí se cuentan las cancelaciones ofrecidas a la lista de espera.</translation>
    </message>
    <message>
        <source>By provider and location</source>
        <translation>Por profesional y ubicación</translation>
    </message>
    <message>
        <source>Loading the waitlist…</source>
        <translation>Cargando la lista de espera…</translation>
    </message>
    <message>
        <source>{count} on the list · {notified} notified (holding a slot)</source>
        <translation>{count} en la lista · {notified} avisados (con un espacio reservado)</translation>
    </message>
    <message>
        <source>The waitlist could not be loaded: {message}</source>
        <translation>No se pudo cargar la lista de espera: {message}</translation>
    </message>
    <message>
        <source>The waitlist could not be loaded.</source>
        <translation>No se pudo cargar la lista de espera.</translation>
    </message>
    <message>
        <source>Offers of the selected opening (from a {value}, {mode})</source>
        <translation>Ofertas del espacio seleccionado (de una {value}, {mode})</translation>
    </message>
    <message>
        <source>Ranked matches for {local_text} ({count})</source>
        <translation>Coincidencias ordenadas para {local_text} ({count})</translation>
    </message>
    <message>
        <source>no offers yet</source>
        <translation>aún no hay ofertas</translation>
    </message>
    <message>
        <source>&lt;b&gt;{offers_sent}&lt;/b&gt; offers sent · &lt;b&gt;{booked}&lt;/b&gt; booked ({conversion:.0%}) · median time to respond &lt;b&gt;{value}&lt;/b&gt; · &lt;b&gt;{filled}&lt;/b&gt; of {openings} openings filled, median &lt;b&gt;{value2}&lt;/b&gt; after they opened</source>
        <translation>&lt;b&gt;{offers_sent}&lt;/b&gt; ofertas enviadas · &lt;b&gt;{booked}&lt;/b&gt; reservadas ({conversion:.0%}) · tiempo medio de respuesta &lt;b&gt;{value}&lt;/b&gt; · &lt;b&gt;{filled}&lt;/b&gt; de {openings} espacios ocupados, mediana &lt;b&gt;{value2}&lt;/b&gt; después de abrirse</translation>
    </message>
    <message>
        <source>Notify all now</source>
        <translation>Avisar a todos ahora</translation>
    </message>
    <message>
        <source>Record response</source>
        <translation>Registrar respuesta</translation>
    </message>
    <message>
        <source>What did {patient_name} say?</source>
        <translation>¿Qué dijo {patient_name}?</translation>
    </message>
</context>
<context>
    <name>WeekEditor</name>
    <message>
        <source>Lunch</source>
        <translation>Almuerzo</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Día</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>Empieza</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>Termina</translation>
    </message>
    <message>
        <source>Breaks (e.g. {0})</source>
        <translation>Descansos (ej. {0})</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>until changed</source>
        <translation>hasta que se cambie</translation>
    </message>
    <message>
        <source>The first day these weekly hours apply</source>
        <translation>El primer día en que se aplica este horario semanal</translation>
    </message>
    <message>
        <source>Effective until</source>
        <translation>Vigente hasta</translation>
    </message>
    <message>
        <source>The last day these weekly hours apply</source>
        <translation>El último día en que se aplica este horario semanal</translation>
    </message>
    <message>
        <source>These hours apply until they are changed again</source>
        <translation>Este horario se aplica hasta que se vuelva a cambiar</translation>
    </message>
    <message>
        <source>Effective from</source>
        <translation>Vigente desde</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>Tick if the provider works on {day}</source>
        <translation>Marque si el profesional trabaja el {day}</translation>
    </message>
    <message>
        <source>{day}: location</source>
        <translation>{day}: ubicación</translation>
    </message>
    <message>
        <source>Where the provider works on {day}</source>
        <translation>Dónde trabaja el profesional el {day}</translation>
    </message>
    <message>
        <source>{day}: starts</source>
        <translation>{day}: empieza</translation>
    </message>
    <message>
        <source>When the provider&apos;s day starts on {day}</source>
        <translation>Cuándo empieza la jornada del profesional el {day}</translation>
    </message>
    <message>
        <source>{day}: ends</source>
        <translation>{day}: termina</translation>
    </message>
    <message>
        <source>When the provider&apos;s day ends on {day}</source>
        <translation>Cuándo termina la jornada del profesional el {day}</translation>
    </message>
    <message>
        <source>{day}: breaks</source>
        <translation>{day}: pausas</translation>
    </message>
    <message>
        <source>Breaks on {day}, such as lunch; empty for none</source>
        <translation>Pausas del {day}, como el almuerzo; vacío si no hay</translation>
    </message>
</context>
<context>
    <name>WeekViewScreen</name>
    <message>
        <source>Show</source>
        <translation>Mostrar</translation>
    </message>
    <message>
        <source>Previous provider or chairs</source>
        <translation>Profesional o sillones anteriores</translation>
    </message>
    <message>
        <source>Next provider or chairs</source>
        <translation>Profesional o sillones siguientes</translation>
    </message>
    <message>
        <source>Whose week to show: one provider, or a few chairs (Ctrl+[ / Ctrl+])</source>
        <translation>De quién es la semana que se muestra: un profesional o unos sillones (Ctrl+[ / Ctrl+])</translation>
    </message>
    <message>
        <source>Whose week</source>
        <translation>Semana de</translation>
    </message>
    <message>
        <source> · today</source>
        <translation> · hoy</translation>
    </message>
    <message>
        <source>Week of {first} – {last}</source>
        <translation>Semana del {first} al {last}</translation>
    </message>
    <message>
        <source>{days} hidden: nobody works then</source>
        <translation>{days} ocultos: nadie trabaja esos días</translation>
    </message>
</context>
<context>
    <name>_PickOpening</name>
    <message>
        <source>Choose an opening in the list.</source>
        <translation>Elija un espacio de la lista.</translation>
    </message>
</context>
<context>
    <name>find_opening</name>
    <message>
        <source>Move here</source>
        <translation>Mover aquí</translation>
    </message>
</context>
<context>
    <name>reschedule_dialog</name>
    <message>
        <source>Reschedule {patient_name}: next openings</source>
        <translation>Reprogramar a {patient_name}: próximos espacios libres</translation>
    </message>
</context>
<context>
    <name>series_actions</name>
    <message>
        <source>↻ Repeat…</source>
        <translation>↻ Repetir…</translation>
    </message>
    <message>
        <source>↻ Open series…</source>
        <translation>↻ Abrir serie…</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Repetir</translation>
    </message>
    <message>
        <source>Book a series of visits with these choices instead of one</source>
        <translation>Reservar una serie de citas con estas opciones en lugar de una sola</translation>
    </message>
    <message>
        <source>Choose a patient first: type a name and pick one from the list.</source>
        <translation>Primero elija un paciente: escriba un nombre y elíjalo de la lista.</translation>
    </message>
</context>
<context>
    <name>series_dialog</name>
    <message>
        <source>Date</source>
        <translation>Fecha</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Ahora</translation>
    </message>
    <message>
        <source>After the change</source>
        <translation>Después del cambio</translation>
    </message>
</context>
</TS>
