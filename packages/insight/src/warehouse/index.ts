/** The views' analytics copy in DuckDB: open it, refresh it from the record, query and export it. */
export { openWarehouse, WarehouseError, EXPORT_FORMATS, type Warehouse, type WarehouseOptions, type WarehouseStatus, type ExportFormat } from './warehouse.ts';
export { viewTable, viewTableName, duckTypeOf, type DuckType, type TableColumn } from './column-types.ts';
export { OVERLAP_MS, MAX_INCREMENTAL_CHANGES, definitionHash, type RefreshReport, type ViewRefreshReport, type RefreshOptions, type ViewSource, type RefreshableView } from './refresh.ts';
