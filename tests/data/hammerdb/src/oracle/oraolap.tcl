# Test fixture: the Oracle side of the toy "library" analytic workload (layout of oraolap.tcl).
proc build_oratpch {} {
    if {[ tk_messageBox -title "Create Schema" -message "Build?" -type yesno
    ] == yes} {
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {proc CreateTables { lda timesten } {
    set curn1 [ oraopen $lda ]
    if { $timesten } {
        set sql(1) "CREATE TABLE SHELF (S_ID TT_INTEGER NOT NULL, S_NAME VARCHAR2(30))"
    } else {
        set sql(1) "CREATE TABLE SHELF (S_ID NUMBER NOT NULL, S_NAME VARCHAR2(30)) PCTFREE 5"
    }
    set sql(2) "CREATE TABLE BOOK (B_ID NUMBER NOT NULL, B_SHELF NUMBER, B_TITLE VARCHAR2(80))"
    oraclose $curn1
}
proc CreateIndexes { lda timesten } {
    set sql(1) "CREATE UNIQUE INDEX SHELF_PK ON SHELF(S_ID)"
    set sql(2) "ALTER TABLE SHELF ADD CONSTRAINT SHELF_PK PRIMARY KEY (S_ID) USING INDEX SHELF_PK"
    set sql(3) "ALTER TABLE BOOK ADD CONSTRAINT BOOK_SHELF_FK FOREIGN KEY (B_SHELF) REFERENCES SHELF (S_ID)"
    set sql(4) "alter session set sort_area_size=1000000"
}
}
    } else { return }
}

proc loadoratpch { } {
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {#LOAD LIBRARIES AND MODULES
proc set_query { myposition timesten } {
    global sql
    if { !$timesten } {
        set sql(1) "select count(*) as n from book where b_id > :1"
    } else {
        set sql(1) "select cast(count(*) as NUMBER) as n from book where b_id > :1"
    }
    set sql(2) "select * from (select s_name from shelf where s_name like '%:1%') where rownum <= 5"
    set sql(3) "create or replace view shelfview$myposition (s) as select s_id from shelf where s_id < :2; select s from shelfview$myposition; drop view shelfview$myposition"
    set sql(4) "select b_title from book where b_shelf = :1 and b_title <> '$title'"
    set sql(5) "select median(b_id) from book"
}
}
}

proc loadoracloud {} {
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {proc set_query { } {
    global sql
    set sql(1) "select 1 from dual"
}
}
}
