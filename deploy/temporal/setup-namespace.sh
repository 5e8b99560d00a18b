#!/bin/sh
# Creates the namespace and this service's custom search attributes; safe to run again.
set -e
temporal operator namespace describe -n default >/dev/null 2>&1 || temporal operator namespace create -n default --retention 30d
for sa in StoreCode=Keyword OrderState=Keyword OrderNumber=Keyword MissingSkus=KeywordList DocumentType=Keyword DocumentFolio=Keyword SyncProgress=Keyword CreditNoteFolios=KeywordList SiiStatus=Keyword; do
  name=${sa%%=*}; type=${sa#*=}
  temporal operator search-attribute create --namespace default --name "$name" --type "$type" 2>/dev/null || true
done
temporal operator search-attribute list --namespace default
