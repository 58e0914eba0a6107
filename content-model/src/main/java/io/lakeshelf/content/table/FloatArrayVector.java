package io.lakeshelf.content.table;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.FloatType;

/** A Kernel column vector over a {@code float[]}: the elements of one vector cell, unboxed. */
final class FloatArrayVector implements ColumnVector {

  private final float[] values;

  FloatArrayVector(float[] values) {
    this.values = values;
  }

  @Override
  public DataType getDataType() {
    return FloatType.FLOAT;
  }

  @Override
  public int getSize() {
    return values.length;
  }

  @Override
  public void close() {}

  @Override
  public boolean isNullAt(int rowId) {
    return false;
  }

  @Override
  public float getFloat(int rowId) {
    return values[rowId];
  }
}
