/*
 * Every limit on outside input, in one place (STYLE.md habit 8). Each is tested at the limit
 * and one past it. Nothing is ever allocated from a length that a client declares.
 */
#ifndef CU_LIMITS_H
#define CU_LIMITS_H

/* Imports. */
#define CU_MAX_IMPORT_BYTES (4LL * 1024 * 1024 * 1024) /* one file: 4 GiB */
#define CU_MAX_FIELD_BYTES (64 * 1024)                 /* one CSV cell */
#define CU_MAX_COLUMNS 512                             /* columns in one CSV record */
#define CU_MAX_ROWS 50000000LL                         /* records in one file */
#define CU_MAX_ERRORS 100                              /* located errors kept per import */
#define CU_MAX_SHOWN_VALUE 60                          /* bytes of an offending value quoted */

/* Profiles and other JSON. */
#define CU_MAX_PROFILE_BYTES (256 * 1024)
#define CU_MAX_JSON_DEPTH 16
#define CU_MAX_PROFILE_RULES 256

/* Identifiers. */
#define CU_MAX_CODE 64   /* organisation and indicator codes */
#define CU_MAX_NAME 256  /* organisation and indicator titles */
#define CU_MAX_TEXT 4096 /* definitions and other free text */

/* HTTP (the web application issue tightens and extends these). */
#define CU_MAX_BODY_BYTES (1024 * 1024)
#define CU_MAX_UPLOAD_BYTES (64 * 1024 * 1024)
#define CU_MAX_URL_BYTES 2048
#define CU_HTTP_TIMEOUT_S 30
#define CU_HTTP_CONN_PER_IP 64 /* default; [server] per_ip_connections */
#define CU_HTTP_CONN_MEMORY (256 * 1024)
#define CU_MAX_PAGE_BYTES (8 * 1024 * 1024) /* one rendered page */

/* Store. */
#define CU_DB_BUSY_TIMEOUT_MS 5000

#endif
