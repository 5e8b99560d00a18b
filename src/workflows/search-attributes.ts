/**
 * The custom search attributes this service writes, so operators can filter runs in the Temporal
 * Web UI and the CLI (e.g. `OrderState="pending" AND StoreCode="mystore"`). One list, used both by the
 * workflows that upsert them and by the code that registers them on a server.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const StoreCode = defineSearchAttributeKey('StoreCode', SearchAttributeType.KEYWORD);
export const OrderState = defineSearchAttributeKey('OrderState', SearchAttributeType.KEYWORD);
export const OrderNumber = defineSearchAttributeKey('OrderNumber', SearchAttributeType.KEYWORD);
export const MissingSkus = defineSearchAttributeKey('MissingSkus', SearchAttributeType.KEYWORD_LIST);
export const DocumentType = defineSearchAttributeKey('DocumentType', SearchAttributeType.KEYWORD);
export const DocumentFolio = defineSearchAttributeKey('DocumentFolio', SearchAttributeType.KEYWORD);
export const SyncProgress = defineSearchAttributeKey('SyncProgress', SearchAttributeType.KEYWORD);
/** Folios of the notas de crédito (61) issued for the order's document. */
export const CreditNoteFolios = defineSearchAttributeKey('CreditNoteFolios', SearchAttributeType.KEYWORD_LIST);
/** relBase's last `sii_status` of the order's issued document (sent_sii, accepted, rejected, …). */
export const SiiStatus = defineSearchAttributeKey('SiiStatus', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [StoreCode, OrderState, OrderNumber, MissingSkus, DocumentType, DocumentFolio, SyncProgress, CreditNoteFolios, SiiStatus];

/** `Name=Type` as the dev server's `--search-attribute` flag and `operator search-attribute create` spell them. */
export function searchAttributeFlags(): { name: string; type: string }[] {
  const cliType: Record<string, string> = {
    KEYWORD: 'Keyword',
    KEYWORD_LIST: 'KeywordList',
    INT: 'Int',
    TEXT: 'Text',
    BOOL: 'Bool',
    DOUBLE: 'Double',
    DATETIME: 'Datetime',
  };
  return ALL_SEARCH_ATTRIBUTES.map((k) => ({ name: k.name, type: cliType[k.type] ?? k.type }));
}
