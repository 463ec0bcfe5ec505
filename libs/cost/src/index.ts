export * from './cost.types';
export * from './cost.exception';
export * from './cost.calculator';
export * from './usage-cost';
export { PriceTable, SHIPPED_PRICES } from './prices/price-table';
export { deploymentPrices, priceLookupNames, tablePricesOf } from './prices/price-lookup';
export * from './spend/spend-query.parser';
export * from './spend/spend.view';
export * from './cost.module';
