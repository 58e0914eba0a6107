package io.lakeshelf.content.table;

import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;

/** The struct that holds one image anchor in a table: the field names Spark tables use too. */
public final class ImageStruct {

  public static final String URI = "uri";
  public static final String CONTENT_TYPE = "content_type";
  public static final String SIZE_BYTES = "size_bytes";
  public static final String CHECKSUM = "checksum";
  public static final String CHECKSUM_ALGORITHM = "checksum_algo";

  public static final StructType TYPE =
      new StructType()
          .add(URI, StringType.STRING, true)
          .add(CONTENT_TYPE, StringType.STRING, true)
          .add(SIZE_BYTES, LongType.LONG, true)
          .add(CHECKSUM, StringType.STRING, true)
          .add(CHECKSUM_ALGORITHM, StringType.STRING, true);

  private ImageStruct() {}
}
