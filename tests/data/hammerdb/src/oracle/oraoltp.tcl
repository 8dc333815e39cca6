# Test fixture: Oracle side of the toy "library" transactional workload (layout of oraoltp.tcl).
proc build_oratpcc {} {
    if {[ tk_messageBox -title "Create Schema" -message "Build?" -type yesno ] == yes} {
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {proc CreateStoredProcs { lda timesten num_part } {
    set curn1 [ oraopen $lda ]
    if { $timesten && $num_part != 0 } {
        set sql(1) { CREATE OR REPLACE PROCEDURE SHELVE (
            b_id INTEGER,
            s_id INTEGER )
            IS
            BEGIN
            EXECUTE IMMEDIATE 'UPDATE book_1 SET b_shelf = :s WHERE b_id = :b' USING s_id, b_id;
            END; }
    } else {
        set sql(1) { CREATE OR REPLACE PROCEDURE SHELVE (
            b_id INTEGER,
            s_id INTEGER )
            IS
            BEGIN
            UPDATE book SET b_shelf = s_id WHERE book.b_id = shelve.b_id;
            COMMIT;
            END;
        }
    }
    set sql(2) { CREATE OR REPLACE PROCEDURE LOOKUP (
        b_id INTEGER,
        title OUT VARCHAR2 )
        IS
        BEGIN
        SELECT b_title INTO title FROM book WHERE book.b_id = lookup.b_id;
    END; }
    for { set i 1 } { $i <= 2 } { incr i } {
        if {[ catch {orasql $curn1 $sql($i)} message ] } { puts "$message $sql($i)" }
    }
    oraclose $curn1
}

proc CreateTables { lda num_part tpcc_ol_tab timesten hash_clusters count_ware } {
    if { $timesten } {
        set sql(1) "create table LIB.SHELF (S_ID TT_INTEGER, S_NAME CHAR(30))"
    } else {
        if  { $hash_clusters } {
            set sqlclust(1) "CREATE CLUSTER SHELFCLUSTER (S_ID NUMBER(6, 0)) SINGLE TABLE HASHKEYS $count_ware hash is s_id size 100"
            set sql(1) "CREATE TABLE SHELF (S_ID NUMBER(6, 0), S_NAME CHAR(30)) CLUSTER SHELFCLUSTER (S_ID)"
        } else {
            set sql(1) "CREATE TABLE SHELF (S_ID NUMBER(6, 0), S_NAME CHAR(30)) INITRANS 4"
        }
        set sql(2) "CREATE TABLE BOOK (B_ID NUMBER(6, 0), B_SHELF NUMBER(6, 0), B_TITLE VARCHAR2(80)) INITRANS 4"
        set sql(3) "CREATE OR REPLACE VIEW BOOK_SHELF (B_ID, S_NAME) AS SELECT B_ID, S_NAME FROM BOOK, SHELF WHERE B_SHELF = S_ID"
    }
}

proc CreateIndexes { lda timesten num_part hash_clusters } {
    set sql(1) "CREATE UNIQUE INDEX BOOK_I1 ON BOOK (B_ID) INITRANS 4"
}
}
    } else { return }
}

proc loadoratpcc { } {
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {#LOAD LIBRARIES AND MODULES
proc prep_statement { lda curn_st } {
    switch $curn_st {
        curn_sh {
            set curn_sh [oraopen $lda ]
            set sql_sh "BEGIN shelve(:b_id,:s_id); END;"
            oraparse $curn_sh $sql_sh
            return $curn_sh
        }
        curn_lk {
            set curn_lk [oraopen $lda ]
            set sql_lk "BEGIN lookup(:b_id,:title); END;"
            oraparse $curn_lk $sql_lk
            return $curn_lk
        }
    }
}
}
}
