#!/usr/bin/env bash
# Completes the image's root file system in $1 (target/image-root, where jlink has just written
# the Java runtime to opt/java): the runtime's symbolic links become files (Jib copies files, not
# links), the C and C++ libraries the runtime and ONNX Runtime's native library load are copied
# from this machine, and the build stops if any of them would still miss a library.
# Usage: build-rootfs.sh ROOT ONNX_NATIVE_DIR JAVA_MODULES
set -euo pipefail
root="$1"
onnx="$2"
modules="$3"
java_home="$root/opt/java"
libdir=/lib/x86_64-linux-gnu

[ "$(uname -sm)" = "Linux x86_64" ] || { echo "build-rootfs: the image is linux/amd64 and is built on linux/amd64, not $(uname -sm)" >&2; exit 1; }

# The runtime is linked once (the Maven profile image-runtime): stop when it was linked with
# other modules than the build asks for now.
stamp="$root.modules"
if [ ! -f "$stamp" ] || [ "$java_home/release" -nt "$stamp" ]; then
  echo "$modules" > "$stamp"
elif [ "$(cat "$stamp")" != "$modules" ]; then
  echo "build-rootfs: $java_home was linked with the modules $(cat "$stamp"), the build now asks for $modules: run ./mvnw clean to link it again" >&2
  exit 1
fi

# Links in the jlink output (the legal notices) become copies of what they point to.
find "$java_home" -type l | while read -r link; do
  target="$(readlink -f "$link")"
  rm "$link"
  cp -p "$target" "$link"
done

# glibc (with its own loader), libstdc++ and libgcc_s: what bin/java, libjvm.so, the runtime's
# non-GUI libraries and libonnxruntime.so link against (checked below with ldd).
mkdir -p "$root/lib64" "$root$libdir"
cp -L -p /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
for lib in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libstdc++.so.6 libgcc_s.so.1; do
  cp -L -p "$libdir/$lib" "$root$libdir/$lib"
done

# Every library the service loads must find what it needs inside the image: ldd run with the
# image's libraries first, and none of them may resolve outside the image or not at all. The
# GUI libraries (AWT, sound, splash screen) are left out: the service runs headless.
missing=0
for elf in "$java_home/bin/java" "$java_home/lib/server/libjvm.so" \
    $(ls "$java_home"/lib/*.so | grep -Ev '/lib(awt_xawt|jawt|jsound|splashscreen)\.so$') \
    "$onnx"/libonnxruntime.so "$onnx"/libonnxruntime4j_jni.so; do
  while read -r name arrow path _; do
    [ "$arrow" = "=>" ] || continue
    case "$path" in
      "$root"/*|"$java_home"/*) ;;
      *)
        # libonnxruntime.so.1 is the JNI library's sibling, unpacked beside it at run time.
        if [ "$name" = libonnxruntime.so.1 ]; then continue; fi
        echo "build-rootfs: $elf needs $name, resolved to '$path', not in the image" >&2
        missing=1
        ;;
    esac
  done < <(LD_LIBRARY_PATH="$root$libdir:$java_home/lib:$java_home/lib/server" ldd "$elf")
done
[ "$missing" = 0 ] || exit 1

mkdir -p "$root/tmp" "$root/data"
echo "build-rootfs: $(du -sh "$root" | cut -f1) in $root"
