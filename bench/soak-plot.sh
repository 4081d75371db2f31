#!/usr/bin/env bash
# Draws the soak plot from bench/soak.sh's CSV: memory on the left axis (MiB), connections and descriptors on
# the right, the warm-up (the first 5 minutes, left out of the per-hour slopes) shaded, the legend below the
# plot so that it covers no data. Usage: bench/soak-plot.sh SOAK.csv OUTPUT.png "TITLE"
# Redraw the published plot without running the soak again:
#   bench/soak-plot.sh docs/resilience/soak.csv docs/resilience/soak.png \
#     "ballast soak: the mix at 2000 req/s from 100,000 clients, -Xmx256m (2026-11-27)"
set -euo pipefail
csv=$1 png=$2 title=$3
command -v gnuplot >/dev/null || apt-get install -y -q gnuplot-nox >/dev/null
gnuplot <<PLOT
set terminal pngcairo size 900,640 font ",11"
set datafile separator ","
set key below horizontal maxcols 3 width -2
set grid
set output "$png"
set title "$title"
set xlabel "minutes from the start of the load" offset 0,0.6
set ylabel "MiB (left axis)"
set y2label "count (right axis)"
set ytics nomirror
set y2tics
set xrange [0:*]
set yrange [0:*]
set y2range [0:*]
set object 1 rect from 0, graph 0 to 5, graph 1 behind fillcolor rgb "#eeeeee" fillstyle solid noborder
set label 1 "warm-up" at 2.5, graph 0.97 center
plot "$csv" every ::1 using (\$1/60):(\$2/1024) with lines lw 2 lc rgb "#8000a0" title "resident size, RSS (left)", \
     "$csv" every ::1 using (\$1/60):(\$3/1048576) with lines lc rgb "#2ca02c" title "heap used (left)", \
     "$csv" every ::1 using (\$1/60):(\$4/1048576) with lines lw 2 lc rgb "#1f77b4" title "old generation used (left)", \
     "$csv" every ::1 using (\$1/60):(\$5 > 0 ? \$5/1048576 : 1/0) with linespoints lw 2 pt 7 ps 0.6 lc rgb "#d62728" title "live heap after the last major GC (left)", \
     "$csv" every ::1 using (\$1/60):6 axes x1y2 with lines dt 2 lc rgb "#ff7f0e" title "open descriptors (right)", \
     "$csv" every ::1 using (\$1/60):7 axes x1y2 with lines dt 3 lw 2 lc rgb "#7f7f7f" title "TCP connections (right)", \
     "$csv" every ::1 using (\$1/60):8 axes x1y2 with lines dt 4 lw 2 lc rgb "#17becf" title "Postgres connections (right)"
PLOT
echo "plot: $png"
