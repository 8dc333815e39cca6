# Test fixture for training/corpus/hammerdb.py: an original toy "library" schema laid out the way
# HammerDB's src/mssqlserver/mssqlsolap.tcl is (GUI procs that fastinsert a generated script).
proc build_mssqlstpch {} {
    global maxvuser suppo
    if {[ tk_messageBox -title "Create Schema" -message "Build the library schema\nnow?" -type yesno ] == yes} {
        set maxvuser 1
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end "#!/usr/local/bin/tclsh8.6
set library $library
"
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {# generated build script {with braces in a comment}
proc CreateTables { odbc colstore bcp partition_orders_and_lineitems } {
    puts "CREATING LIBRARY TABLES" ;# a comment after a command separator
    if { $colstore && $bcp } {
        set sql(1) "create table dbo.shelf (s_id int not null, s_name varchar(30) null, index shelf_cs clustered columnstore)"
    } else {
        set sql(1) "create table dbo.shelf (s_id int not null, s_name varchar(30) null)"
    }
    set sql(2) "create table dbo.book (b_id bigint not null, b_shelf int null, b_title varchar(80) null)"
    for { set i 1 } { $i <= 2 } { incr i } { $odbc evaldirect $sql($i) }
}

proc CreateIndexes { odbc maxdop colstore bcp partition_orders_and_lineitems } {
    if { $colstore } {
        set sql(1) "create clustered columnstore index book_cs ON dbo.book"
    } else {
        set sql(1) "alter table dbo.shelf add constraint shelf_pk primary key (s_id) with (maxdop=$maxdop)"
        set sql(2) "create index b_shelf_ind on dbo.book(b_shelf) with (fillfactor=90, maxdop=$maxdop)"
        set sql(3) "alter table dbo.book with nocheck add constraint book_shelf_fk foreign key (b_shelf) references dbo.shelf (s_id)"
        set sql(4) "alter table dbo.book check constraint book_shelf_fk"
        if { [expr {$partition_orders_and_lineitems != true } ] } {
            set sql(5) "alter table dbo.book add constraint book_pk primary key (b_id) with (maxdop=$maxdop)"
        }
    }
}

proc do_build { odbc } {
    set rows [ lindex {*}[ $odbc allrows "select 1" ] 1 ]
    puts "built $rows"
}
}
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end "do_build odbc"
    } else { return }
}

proc loadmssqlstpch {} {
    global _ED
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end "#!/usr/local/bin/tclsh8.6
set maxdop $mssqls_maxdop ;# substituted when the script is generated
"
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {#LOAD LIBRARIES AND MODULES
proc set_query { maxdop myposition } {
    global sql
    set sql(1) "select count_big(*) as n from book where b_id > :1 option (maxdop $maxdop)"
    set sql(2) "select 'stale text'"
    set sql(3) "create view shelfview$myposition (s) as select s_id from shelf where s_id < :2; select s from shelfview$myposition option (maxdop $maxdop); drop view shelfview$myposition"
    set sql(4) "select \[b_title\] from book where b_shelf = :1 and b_title <> '$title'"
    set sql(2) "select top 5 s_name from shelf where s_name like '%:1%' option (maxdop $maxdop)"
}

proc get_query { query_no maxdop myposition } {
    global sql
    if { ![ array exists sql ] } { set_query $maxdop $myposition }
    return $sql($query_no)
}
}
}
