package io.lakeshelf.api.web;

import io.lakeshelf.content.Document;
import io.lakeshelf.content.rows.JsonValues;
import io.lakeshelf.content.rows.Projection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of a document: only the parts a projection asked for, and its extra columns under
 * {@code columns}. Values are already in their JSON form by {@link
 * io.lakeshelf.content.rows.JsonValues} (ids, metadata values with their types, image fields,
 * columns), and the ingest time is rendered the same way (an ISO-8601 instant in UTC).
 */
final class DocumentJson {

  private DocumentJson() {}

  static Map<String, Object> of(Document d, Projection p) {
    Map<String, Object> json = new LinkedHashMap<>();
    if (p.title()) {
      json.put("title", d.title());
    }
    if (p.text()) {
      json.put("text", d.text());
    }
    if (p.images()) {
      json.put("images", d.images());
    }
    if (p.metadata()) {
      json.put("metadata", d.metadata());
    }
    if (p.vectors()) {
      json.put("vectors", d.vectors());
    }
    if (!p.columns().isEmpty()) {
      json.put("columns", d.columns());
    }
    if (d.ingestedAt() != null) {
      json.put("ingestedAt", JsonValues.text(d.ingestedAt()));
    }
    return json;
  }
}
