-- a small valid Oracle script written for the validator's tests
CREATE TABLE vt_orders (
  order_id   NUMBER(10) PRIMARY KEY,
  status     VARCHAR2(20 CHAR) DEFAULT 'NEW' NOT NULL,
  total      NUMBER(12, 2),
  created_at DATE DEFAULT SYSDATE
);

CREATE SEQUENCE vt_orders_seq START WITH 1 INCREMENT BY 1;

CREATE OR REPLACE PACKAGE vt_api AS
  c_max CONSTANT PLS_INTEGER := 100;
  TYPE t_ids IS TABLE OF NUMBER INDEX BY PLS_INTEGER;
  PROCEDURE add_order(p_total IN NUMBER, p_id OUT NUMBER);
  FUNCTION order_count(p_status IN VARCHAR2 DEFAULT NULL) RETURN NUMBER;
END vt_api;
/

CREATE OR REPLACE PACKAGE BODY vt_api AS
  PROCEDURE add_order(p_total IN NUMBER, p_id OUT NUMBER) IS
  BEGIN
    INSERT INTO vt_orders (order_id, total) VALUES (vt_orders_seq.NEXTVAL, p_total)
      RETURNING order_id INTO p_id;
  END add_order;

  FUNCTION order_count(p_status IN VARCHAR2 DEFAULT NULL) RETURN NUMBER IS
    v_n NUMBER := 0;
  BEGIN
    SELECT COUNT(*) INTO v_n FROM vt_orders WHERE status = NVL(p_status, status);
    RETURN v_n;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RETURN 0;
  END order_count;
END vt_api;
/

DECLARE
  CURSOR c_big(p_min NUMBER) IS SELECT order_id, total FROM vt_orders WHERE total > p_min;
  v_id    vt_orders.order_id%TYPE;
  v_ids   vt_api.t_ids;
  v_text  VARCHAR2(4000);
  e_stop  EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_stop, -20001);
BEGIN
  vt_api.add_order(10.5, v_id);
  <<outer>>
  FOR r IN c_big(5) LOOP
    v_ids(v_ids.COUNT + 1) := r.order_id;
    EXIT outer WHEN v_ids.COUNT >= vt_api.c_max;
  END LOOP outer;
  FOR i IN 1 .. v_ids.COUNT LOOP
    CONTINUE WHEN MOD(i, 2) = 0;
    v_text := v_text || TO_CHAR(v_ids(i)) || ',';
  END LOOP;
  FOR r IN (SELECT status, COUNT(*) AS n FROM vt_orders GROUP BY status) LOOP
    DBMS_OUTPUT.PUT_LINE(r.status || ': ' || r.n);
  END LOOP;
  CASE
    WHEN v_id IS NULL THEN RAISE e_stop;
    ELSE NULL;
  END CASE;
  EXECUTE IMMEDIATE 'TRUNCATE TABLE vt_orders';
  EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM vt_orders WHERE total > :1' INTO v_id USING 5;
  WHILE v_id > 0 LOOP
    v_id := v_id - 1;
  END LOOP;
  COMMIT;
EXCEPTION
  WHEN e_stop OR VALUE_ERROR THEN
    DBMS_OUTPUT.PUT_LINE(SQLERRM || DBMS_UTILITY.FORMAT_ERROR_BACKTRACE);
    ROLLBACK;
  WHEN OTHERS THEN
    RAISE_APPLICATION_ERROR(-20000, 'failed: ' || SQLCODE);
END;
/
