# sgdlab 0.1.0 (git 4e1649eeb2-dirty) reproduce mori-escape
set terminal pngcairo size 1000,650
set datafile missing 'nan'
set logscale xy
set grid
set key left top box opaque
set xlabel 'barrier ratio L^s/L* = 1 + 1/L0   (Delta L = 1)'
set ylabel 'mean escape time (t = eta k)'
set output 'mori-escape.png'
set title 'Mori et al.: escape time at equal linear barrier, double well, Mori noise (--quick)'
plot 'mori-escape.dat' index 0 using 1:2:3:4 with yerrorbars pt 7 lc rgb '#1f77b4' title 'simulation, B/eta = 16', \
     '' index 0 using 1:5 with lines lw 2 lc rgb '#1f77b4' title 'exact quadrature, B/eta = 16', \
     '' index 0 using 1:6 with lines dt 2 lw 2 lc rgb '#1f77b4' title 'Mori Eq. 16, B/eta = 16', \
     '' index 0 using 1:7 with lines dt 3 lw 2 lc rgb '#7f7f7f' title 'frozen-noise Arrhenius, B/eta = 16', \
     '' index 1 using 1:2:3:4 with yerrorbars pt 5 lc rgb '#d62728' title 'simulation, B/eta = 40', \
     '' index 1 using 1:5 with lines lw 2 lc rgb '#d62728' title 'exact quadrature, B/eta = 40', \
     '' index 1 using 1:6 with lines dt 2 lw 2 lc rgb '#d62728' title 'Mori Eq. 16, B/eta = 40', \
     '' index 2 using 1:2:3:4 with yerrorbars pt 9 lc rgb '#2ca02c' title 'simulation, B/eta = 80', \
     '' index 2 using 1:5 with lines lw 2 lc rgb '#2ca02c' title 'exact quadrature, B/eta = 80'
set output 'mori-escape-n.png'
unset logscale x
set xlabel 'outlier directions n'
set title 'Mori et al. Eq. 17: n-dependence (B/eta = 24, L0 = 0.2, a = 1)'
plot 'mori-escape.dat' index 3 using 1:2:3:4 with yerrorbars pt 7 title 'simulation', '' index 3 using 1:5 with linespoints dt 2 title 'Mori Eq. 17'
