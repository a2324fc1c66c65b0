break 18
continue
echo == masks\n
print $k0 == k0
print $k1 == k1
echo == zmm20\n
print $zmm20.v8_int64[7] == zmm20[7]
print $ymm20.v4_int64[3] == zmm20[3]
print $xmm20.v2_int64[0] == zmm20[0]
kill
