process.stdout.write('conv-lens: under construction\n');
