# Test fixture: toy "library" transactional workload, laid out like HammerDB's mssqlsoltp.tcl
# (in-memory variants first, disk-table variants in the else branch).
proc build_mssqlstpcc {} {
    if {[ tk_messageBox -title "Create Schema" -message "Build?" -type yesno ] == yes} {
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end "#!/usr/local/bin/tclsh9.0
set library $library
"
        .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {proc CreateStoredProcs { odbc imdb } {
    if { $imdb } {
        set sql(1) {CREATE PROCEDURE [dbo].[shelve]
            @b_id int,
            @s_id int
            AS
            BEGIN
            UPDATE dbo.book SET b_shelf = @s_id WHERE b_id = @b_id
            END}
    } else {
        set sql(1) {CREATE PROCEDURE [dbo].[shelve]
            @b_id int,
            @s_id int
            AS
            BEGIN
            DECLARE
            @loop$bound int
            SET @loop$bound = 1
            BEGIN TRANSACTION
            UPDATE dbo.book WITH (updlock) SET b_shelf = @s_id WHERE b_id = @b_id
            COMMIT TRANSACTION
            END}
        set sql(2) {CREATE PROCEDURE [dbo].[lookup]
            @b_id int
            AS
            BEGIN
            SELECT b_title FROM dbo.book WHERE b_id = @b_id
            END}
    }
    for { set i 1 } { $i <= 2 } { incr i } {
        $odbc evaldirect $sql($i)
    }
}

proc CreateTables { odbc imdb count_ware bucket_factor durability } {
    if { $imdb } {
        set book_bc [ expr $count_ware * 10 ]
        set sql(1) [ subst -nocommands {CREATE TABLE [dbo].[shelf] ( [s_id] [int] NOT NULL, CONSTRAINT [shelf_i1] PRIMARY KEY NONCLUSTERED HASH ([s_id]) WITH (BUCKET_COUNT = $book_bc)) WITH (MEMORY_OPTIMIZED = ON, DURABILITY = $durability)}]
    } else {
        set sql(1) {CREATE TABLE [dbo].[shelf]( [s_id] [int] NOT NULL, [s_name] [char](30) NULL)}
        set sql(2) {CREATE TABLE [dbo].[book]( [b_id] [int] NOT NULL, [b_shelf] [int] NULL, [b_title] [char](80) NULL)}
        set sql(3) {ALTER TABLE [dbo].[book] SET (LOCK_ESCALATION = DISABLE)}
    }
}

proc CreateIndexes { odbc imdb } {
    if { $imdb } {
        #In-memory indexes are created with the tables
    } else {
        set sql(1) {CREATE UNIQUE CLUSTERED INDEX [book_i1] ON [dbo].[book] ( [b_id] ASC)}
    }
}
}
    } else { return }
}

proc loadmssqlstpcc { } {
    .ed_mainFrame.mainwin.textFrame.left.text fastinsert end {#LOAD LIBRARIES AND MODULES
proc shelve { shelve_st b_id s_id } {
    if {[catch {set rs [ $shelve_st execute [ list b_id $b_id s_id $s_id ]]} message ]} { puts "Shelve : $message" }
}

proc prep_statement { odbc statement_st } {
    switch $statement_st {
        shelve_st {
            set shelve_st [ $odbc prepare "EXEC shelve @b_id = :b_id, @s_id = :s_id" ]
            $shelve_st paramtype b_id in integer 10 0
            return $shelve_st
        }
        lookup_st {
            set lookup_st [ $odbc prepare "EXEC lookup @b_id = :b_id" ]
            return $lookup_st
        }
    }
}
foreach st {shelve_st lookup_st} { set $st [ prep_statement odbc $st ] }
}
}
